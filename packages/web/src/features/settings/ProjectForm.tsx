import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorNote, Field } from '../../app/ui';

type Project = paths['/v1/project']['get']['responses'][200]['content']['application/json']['data'];

/** The project's name, its badges switch and where its job events go. */
export function ProjectForm({ project }: { project: Project }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(project.name);
  const [eventsUrl, setEventsUrl] = useState(project.eventsUrl ?? '');
  const [badges, setBadges] = useState(project.badgesEnabled);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/v1/project', { body: { name, eventsUrl: eventsUrl || null, badgesEnabled: badges } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['project'] }),
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Project settings" noValidate>
      <div className="row">
        <Field label="Project name" error={err?.issue('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Event webhook URL" error={err?.issue('eventsUrl')} hint="Every job event of the project is POSTed here">
          <input type="url" value={eventsUrl} onChange={(e) => setEventsUrl(e.target.value)} placeholder="https://example.com/kairos-events" />
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={badges} onChange={(e) => setBadges(e.target.checked)} /> Status badges are public
      </label>
      <ErrorNote error={err && !err.body?.error.details?.length ? err : null} />
      <div className="actions" style={{ marginTop: '0.75rem' }}>
        <button type="submit" disabled={save.isPending}>
          Save
        </button>
        {save.isSuccess && <span role="status">Saved.</span>}
      </div>
    </form>
  );
}
