import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import type { NewApiKey } from '../../api/types';
import { absolute, relative } from '../../app/format';
import { CopyButton, ErrorNote, Field, PageTitle } from '../../app/ui';

type Scope = 'read' | 'write' | 'admin';

/** The project's API keys: create one (shown once, with a copy button), revoke one. */
export function KeysPage() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => unwrap(api.GET('/v1/api-keys', { params: { query: { page: 1, perPage: 100 } } })) });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(['read', 'write']));
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/api-keys', { body: { name, scopes: [...scopes] } })),
    onSuccess: ({ data }) => {
      setCreated(data);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['keys'] }),
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <>
      <PageTitle>API keys</PageTitle>
      {created && (
        <div className="card secret" role="status" aria-label="New API key">
          <p>
            <strong>{created.name}</strong>: copy this key now, it is not shown again.
          </p>
          <code className="mono break" data-testid="new-key">
            {created.key}
          </code>{' '}
          <CopyButton text={created.key} />
        </div>
      )}
      <form onSubmit={submit} className="card inline-form" aria-label="New API key">
        <Field label="Name" error={err?.issue('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <fieldset>
          <legend>Scopes</legend>
          {(['read', 'write', 'admin'] as const).map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes.has(s)}
                onChange={() =>
                  setScopes((x) => {
                    const next = new Set(x);
                    if (next.has(s)) next.delete(s);
                    else next.add(s);
                    return next;
                  })
                }
              />{' '}
              {s}
            </label>
          ))}
          {err?.issue('scopes') && <span className="field-error">{err.issue('scopes')}</span>}
        </fieldset>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ErrorNote error={keys.error ?? revoke.error ?? (err && !err.body?.error.details?.length ? err : null)} />
      <div className="table-wrap">
        <table aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td className="mono">
                  {k.prefix}…{k.lastFour}
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{k.lastUsedAt ? relative(k.lastUsedAt) : 'never'}</td>
                <td>{absolute(k.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Revoke ${k.name}`}
                    onClick={() => {
                      if (window.confirm(`Revoke the key "${k.name}"? Clients using it stop working at once.`)) revoke.mutate(k.id);
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
