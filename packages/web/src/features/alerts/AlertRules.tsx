import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import type { Channel, Rule } from '../../api/types';
import { ErrorNote, Field } from '../../app/ui';

type Scope = 'all' | 'job' | 'space' | 'tag';
type Event = Rule['events'][number];

const eventWords: Record<Event, string> = {
  'job.failed': 'a job fails',
  'job.recovered': 'a failing job recovers',
  'job.executed': 'a job runs (every attempt)',
};
const allEvents = Object.keys(eventWords) as Event[];

interface Draft {
  name: string;
  channelIds: string[];
  scope: Scope;
  jobId: string;
  spaceId: string;
  tag: string;
  events: Event[];
  threshold: string;
  cooldown: string;
  enabled: boolean;
}

const emptyDraft: Draft = { name: '', channelIds: [], scope: 'all', jobId: '', spaceId: '', tag: '', events: ['job.failed', 'job.recovered'], threshold: '1', cooldown: '60', enabled: true };

const toggled = <T,>(list: T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

/** The API's number, or the text as typed so that the API names what is wrong with it. */
const integerOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** Alert rules of every kind the API has: which events, for which jobs, after how many failures, how often, to which channels. */
export function AlertRules({ channels }: { channels: Channel[] }) {
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => unwrap(api.GET('/v1/alerts/rules', { params: { query: { page: 1, perPage: 100 } } })) });
  const jobs = useQuery({ queryKey: ['jobs', 'for rules'], queryFn: () => unwrap(api.GET('/v1/jobs', { params: { query: { page: 1, perPage: 100 } } })) });
  const spaces = useQuery({ queryKey: ['spaces'], queryFn: () => unwrap(api.GET('/v1/spaces', { params: { query: { page: 1, perPage: 100 } } })) });
  const [d, setD] = useState<Draft>(emptyDraft);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/alerts/rules', {
          body: {
            name: d.name,
            channelIds: d.channelIds,
            ...(d.scope === 'job' ? { jobId: d.jobId } : d.scope === 'space' ? { spaceId: d.spaceId } : d.scope === 'tag' ? { tag: d.tag } : {}),
            events: d.events,
            consecutiveFailuresThreshold: integerOf(d.threshold),
            cooldownMinutes: integerOf(d.cooldown),
            enabled: d.enabled,
          },
        }),
      ),
    onSuccess: () => {
      setD(emptyDraft);
      void queryClient.invalidateQueries({ queryKey: ['rules'] });
    },
  });
  const change = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => unwrap(api.PATCH('/v1/alerts/rules/{id}', { params: { path: { id } }, body: { enabled } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['rules'] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/alerts/rules/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['rules'] }),
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  const jobName = new Map(jobs.data?.data.map((j) => [j.id, j.name ?? j.id]));
  const spaceName = new Map(spaces.data?.data.map((s) => [s.id, s.name]));
  const scopeOf = (r: Rule) =>
    r.jobId ? `job ${jobName.get(r.jobId) ?? r.jobId}` : r.spaceId ? `space ${spaceName.get(r.spaceId) ?? r.spaceId}` : r.tag ? `jobs tagged ${r.tag}` : 'every job';
  const fieldsetError = (field: string) => {
    const issue = err?.issue(field);
    return issue ? (
      <span className="field-error" role="alert">
        {issue}
      </span>
    ) : null;
  };

  return (
    <>
      <form onSubmit={submit} className="card rule-form" aria-label="New alert rule" noValidate>
        <div className="row">
          <Field label="Rule name" error={err?.issue('name')}>
            <input value={d.name} onChange={(e) => set('name', e.target.value)} maxLength={100} />
          </Field>
          <Field label="For" error={err?.issue('jobId') ?? err?.issue('spaceId') ?? err?.issue('tag')}>
            <select value={d.scope} onChange={(e) => set('scope', e.target.value as Scope)}>
              <option value="all">Every job</option>
              <option value="job">One job</option>
              <option value="space">The jobs of a space</option>
              <option value="tag">The jobs with a tag</option>
            </select>
          </Field>
          {d.scope === 'job' && (
            <Field label="Job">
              <select value={d.jobId} onChange={(e) => set('jobId', e.target.value)}>
                <option value="">Choose a job</option>
                {jobs.data?.data.map((j) => (
                  <option key={j.id} value={j.id}>
                    {j.name ?? j.id}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {d.scope === 'space' && (
            <Field label="Space">
              <select value={d.spaceId} onChange={(e) => set('spaceId', e.target.value)}>
                <option value="">Choose a space</option>
                {spaces.data?.data.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {d.scope === 'tag' && (
            <Field label="Tag">
              <input value={d.tag} onChange={(e) => set('tag', e.target.value)} maxLength={50} />
            </Field>
          )}
        </div>
        <fieldset>
          <legend>Notify when</legend>
          {allEvents.map((e) => (
            <label key={e} className="check">
              <input type="checkbox" checked={d.events.includes(e)} onChange={() => set('events', toggled(d.events, e))} /> {eventWords[e]}
            </label>
          ))}
          {fieldsetError('events')}
        </fieldset>
        <div className="row">
          <Field label="Failures in a row" error={err?.issue('consecutiveFailuresThreshold')} hint="Before “fails” is sent: 1 to 100">
            <input type="number" min={1} max={100} value={d.threshold} onChange={(e) => set('threshold', e.target.value)} />
          </Field>
          <Field label="Quiet minutes" error={err?.issue('cooldownMinutes')} hint="Between repeat notices of one job: 0 to 10080">
            <input type="number" min={0} max={10080} value={d.cooldown} onChange={(e) => set('cooldown', e.target.value)} />
          </Field>
        </div>
        <fieldset>
          <legend>Send to</legend>
          {channels.length === 0 && <span className="muted">Add a channel first.</span>}
          {channels.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={d.channelIds.includes(c.id)} onChange={() => set('channelIds', toggled(d.channelIds, c.id))} /> {c.name}
            </label>
          ))}
          {fieldsetError('channelIds')}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
        </label>
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Add rule
          </button>
        </div>
        <ErrorNote error={err && !err.body?.error.details?.length ? err : null} />
      </form>
      <ErrorNote error={rules.error ?? change.error ?? remove.error} />

      {rules.data?.data.length === 0 && <p className="empty">No rules yet.</p>}
      <ul className="plain rules" aria-label="Rules">
        {rules.data?.data.map((r) => (
          <li key={r.id} aria-label={`Rule ${r.name}`} className={r.enabled ? undefined : 'disabled'}>
            <div>
              <strong>{r.name}</strong>
              {!r.enabled && <> <span className="badge">disabled</span></>} · {scopeOf(r)} · when {r.events.map((e) => eventWords[e]).join(', ')}
              {r.events.includes('job.failed') && r.consecutiveFailuresThreshold > 1 && ` (${r.consecutiveFailuresThreshold} failures in a row)`} · at most every{' '}
              {r.cooldownMinutes} min → {r.channelIds.map((id) => channelName.get(id) ?? id).join(', ')}
            </div>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => change.mutate({ id: r.id, enabled: !r.enabled })}>
                {r.enabled ? 'Disable' : 'Enable'}
                <span className="sr-only"> {r.name}</span>
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  if (confirm(`Delete the rule ${r.name}?`)) remove.mutate(r.id);
                }}
              >
                Delete<span className="sr-only"> {r.name}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
