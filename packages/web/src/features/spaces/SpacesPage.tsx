import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { ErrorNote, Field, PageTitle } from '../../app/ui';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Spaces group jobs: their counts, a new one, and pausing or resuming every job of one at once. */
export function SpacesPage() {
  const queryClient = useQueryClient();
  const spaces = useQuery({ queryKey: ['spaces'], queryFn: () => unwrap(api.GET('/v1/spaces', { params: { query: { page: 1, perPage: 100 } } })) });
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(localZone);
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['spaces'] });
    void queryClient.invalidateQueries({ queryKey: ['jobs'] });
  };
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/spaces', { body: { name, timezone } })),
    onSuccess: () => {
      setName('');
      changed();
    },
  });
  const toggle = useMutation({
    mutationFn: ({ id, pause }: { id: string; pause: boolean }) =>
      pause ? unwrap(api.POST('/v1/spaces/{id}/pause', { params: { path: { id } } })) : unwrap(api.POST('/v1/spaces/{id}/resume', { params: { path: { id } } })),
    onSuccess: changed,
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <>
      <PageTitle>Spaces</PageTitle>
      <form onSubmit={submit} className="card inline-form" aria-label="New space">
        <Field label="Name" error={err?.issue('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={50} />
        </Field>
        <Field label="Time zone" error={err?.issue('timezone')} hint="New recurring jobs in the space inherit it">
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create space
        </button>
      </form>
      <ErrorNote error={spaces.error ?? toggle.error ?? (err && !err.body?.error.details?.length ? err : null)} />
      {spaces.data?.data.length === 0 ? (
        <p className="empty">No spaces yet. A space groups jobs so they can be paused and resumed together.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Spaces">
            <thead>
              <tr>
                <th scope="col">Space</th>
                <th scope="col">Time zone</th>
                <th scope="col">Jobs</th>
                <th scope="col">Active</th>
                <th scope="col">Paused</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {spaces.data?.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    <strong>{s.name}</strong>
                    <div className="sub mono">{s.id}</div>
                  </td>
                  <td>{s.timezone}</td>
                  <td>{s.jobCount}</td>
                  <td>{s.activeJobCount}</td>
                  <td>{s.pausedJobCount}</td>
                  <td className="actions">
                    <button type="button" className="secondary" aria-label={`Pause all in ${s.name}`} onClick={() => toggle.mutate({ id: s.id, pause: true })} disabled={s.activeJobCount === 0}>
                      Pause all
                    </button>
                    <button type="button" className="secondary" aria-label={`Resume all in ${s.name}`} onClick={() => toggle.mutate({ id: s.id, pause: false })} disabled={s.pausedJobCount === 0}>
                      Resume all
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">
        A job joins a space from its form; <Link to="/">the job list</Link> filters by space.
      </p>
    </>
  );
}
