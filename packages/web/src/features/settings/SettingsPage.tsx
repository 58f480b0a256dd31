import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { getSession, setSession } from '../../api/session';
import { ErrorNote, Field, PageTitle } from '../../app/ui';
import { ProjectForm } from './ProjectForm';
import { SigningSecrets } from './SigningSecrets';

function Meter({ label, used, limit }: { label: string; used: number; limit: number | null }) {
  return (
    <div className="meter">
      <span>{label}</span>
      {limit === null ? (
        <span>
          {used} <span className="muted">(unlimited)</span>
        </span>
      ) : (
        <>
          <progress value={used} max={limit} aria-label={`${label}: ${used} of ${limit}`} />
          <span>
            {used} / {limit}
          </span>
        </>
      )}
    </div>
  );
}

/** The project: its name, usage against the plan; for a signed-in user, switching and creating projects. */
export function SettingsPage() {
  const queryClient = useQueryClient();
  const session = getSession();
  const project = useQuery({ queryKey: ['project'], queryFn: () => unwrap(api.GET('/v1/project')) });
  const usage = useQuery({ queryKey: ['usage'], queryFn: () => unwrap(api.GET('/v1/usage')) });
  const projects = useQuery({
    queryKey: ['projects'],
    enabled: session?.kind === 'user',
    queryFn: () => unwrap(api.GET('/v1/projects', { params: { query: { page: 1, perPage: 100 } } })),
  });
  const [newName, setNewName] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/projects', { body: { name: newName } })),
    onSuccess: ({ data }) => {
      setNewName('');
      switchTo(data.id);
    },
  });
  const switchTo = (id: string) => {
    const s = getSession();
    if (s?.kind !== 'user') return;
    setSession({ ...s, projectId: id });
    // Everything cached belongs to the previous project.
    queryClient.clear();
  };
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const u = usage.data?.data;

  return (
    <>
      <PageTitle>Settings</PageTitle>
      <ErrorNote error={project.error ?? usage.error} />
      <section className="card">
        <h2>Project</h2>
        <p>
          <strong>{project.data?.data.name}</strong> <span className="mono muted">{project.data?.data.id}</span>
        </p>
        {project.data && <ProjectForm key={project.data.data.id} project={project.data.data} />}
        {u && (
          <>
            <h3>Usage on the {u.plan} plan</h3>
            <Meter label="Jobs" used={u.usage.jobs.used} limit={u.usage.jobs.limit} />
            <Meter label="Runs today" used={u.usage.dailyRuns.used} limit={u.usage.dailyRuns.limit} />
            <Meter label="Runs this month" used={u.usage.monthlyRuns.used} limit={u.usage.monthlyRuns.limit} />
          </>
        )}
      </section>
      <SigningSecrets />
      {session?.kind === 'user' && (
        <section className="card">
          <h2>Your projects</h2>
          <ul className="plain">
            {projects.data?.data.map((p) => (
              <li key={p.id}>
                {p.name} <span className="mono muted">{p.id}</span>{' '}
                {p.id === project.data?.data.id ? (
                  <span className="badge">current</span>
                ) : (
                  <button type="button" className="secondary" onClick={() => switchTo(p.id)}>
                    Switch to {p.name}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form onSubmit={submit} className="inline-form" aria-label="New project">
            <Field label="New project name" error={err?.issue('name')}>
              <input value={newName} onChange={(e) => setNewName(e.target.value)} required maxLength={100} />
            </Field>
            <button type="submit">Create project</button>
          </form>
          <ErrorNote error={err && !err.body?.error.details?.length ? err : null} />
        </section>
      )}
    </>
  );
}
