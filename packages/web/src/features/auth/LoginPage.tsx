import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { setSession } from '../../api/session';
import { ErrorNote, Field } from '../../app/ui';

type Mode = 'login' | 'signup' | 'key';

/** Sign up, log in, or paste an API key: the three ways in. */
export function LoginPage() {
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [apiKey, setApiKey] = useState('');

  const signIn = useMutation({
    mutationFn: async () => {
      if (mode === 'key') {
        setSession({ kind: 'key', apiKey: apiKey.trim() });
        // The key is checked now, so a wrong one is reported here rather than on the next page.
        await unwrap(api.GET('/v1/auth/me')).catch((err: unknown) => {
          setSession(null);
          throw err;
        });
        return;
      }
      const { data } =
        mode === 'signup'
          ? await unwrap(api.POST('/v1/auth/register', { body: { email, password, name } }))
          : await unwrap(api.POST('/v1/auth/login', { body: { email, password } }));
      setSession({ kind: 'user', accessToken: data.accessToken, accessTokenExpiresAt: data.accessTokenExpiresAt, refreshToken: data.refreshToken, projectId: null });
      if ('project' in data) {
        const { project } = data as { project: { id: string } };
        setSession({ kind: 'user', accessToken: data.accessToken, accessTokenExpiresAt: data.accessTokenExpiresAt, refreshToken: data.refreshToken, projectId: project.id });
      } else {
        const me = await unwrap(api.GET('/v1/auth/me'));
        const first = 'projects' in me.data ? me.data.projects[0] : undefined;
        setSession({ kind: 'user', accessToken: data.accessToken, accessTokenExpiresAt: data.accessTokenExpiresAt, refreshToken: data.refreshToken, projectId: first?.id ?? null });
      }
    },
    onSuccess: () => void navigate({ to: '/' }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  const err = signIn.error instanceof ApiError ? signIn.error : undefined;

  return (
    <main className="login">
      <h1>
        <span aria-hidden="true" className="logo">
          ◷
        </span>{' '}
        Kairos
      </h1>
      <div role="tablist" aria-label="How to sign in" className="tabs">
        {(
          [
            ['login', 'Log in'],
            ['signup', 'Sign up'],
            ['key', 'API key'],
          ] as const
        ).map(([m, label]) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? 'tab active' : 'tab'} onClick={() => setMode(m)}>
            {label}
          </button>
        ))}
      </div>
      <form onSubmit={submit} className="card" aria-label={mode === 'signup' ? 'Sign up' : mode === 'key' ? 'API key' : 'Log in'}>
        {mode === 'key' ? (
          <Field label="API key" error={err?.issue('authorization')} hint="kr_live_…, from a project's API keys">
            <input value={apiKey} onChange={(e) => setApiKey(e.target.value)} required autoComplete="off" spellCheck={false} />
          </Field>
        ) : (
          <>
            {mode === 'signup' && (
              <Field label="Name" error={err?.issue('name')}>
                <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
              </Field>
            )}
            <Field label="Email" error={err?.issue('email')}>
              <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
            </Field>
            <Field label="Password" error={err?.issue('password')} hint={mode === 'signup' ? 'At least 8 characters' : undefined}>
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete={mode === 'signup' ? 'new-password' : 'current-password'} />
            </Field>
          </>
        )}
        <ErrorNote error={signIn.error} />
        <button type="submit" disabled={signIn.isPending}>
          {mode === 'signup' ? 'Create account' : mode === 'key' ? 'Use this key' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
