import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import type { Job, JobInput } from '../../api/types';
import { absolute, relative } from '../../app/format';
import { ErrorNote, Field } from '../../app/ui';

type Kind = 'cron' | 'interval' | 'daily' | 'weekly' | 'preset' | 'once';
/** Where a job sends: its own HTTP request, or a built-in destination Kairos builds the request for. */
type Target = 'url' | 'slack' | 'discord' | 'telegram' | 'email';
const targetNames: Record<Target, string> = { url: 'HTTP request', slack: 'Slack', discord: 'Discord', telegram: 'Telegram', email: 'Email' };
const followUps = [
  { key: 'onComplete', label: 'On success, POST the payload to', hint: 'After each successful run, a one-time job POSTs the payload here' },
  { key: 'callbackUrl', label: 'Result callback URL', hint: 'After each run, its result is POSTed here (signed)' },
  { key: 'failureCallbackUrl', label: 'On failure, POST the result to', hint: 'Once a run has failed every retry (dead-lettered), its result is POSTed here (signed)' },
  { key: 'eventsUrl', label: 'Lifecycle events URL', hint: 'Every attempt posts job.started, job.request, job.response, job.error and job.finished here (signed)' },
] as const;
type FollowUp = (typeof followUps)[number]['key'];
const presets = ['midnight', 'morning', 'evening', 'startOfMonth', 'endOfMonth'];
const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zones: string[] = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

interface Draft {
  name: string;
  url: string;
  method: string;
  headers: string;
  payload: string;
  tags: string;
  kind: Kind;
  expression: string;
  every: string;
  times: string;
  day: string;
  time: string;
  preset: string;
  at: string;
  timezone: string;
  maxRetries: string;
  strategy: string;
  timeoutMs: string;
  onComplete: string;
  callbackUrl: string;
  failureCallbackUrl: string;
  eventsUrl: string;
  spaceId: string;
  target: Target;
  webhookUrl: string;
  botToken: string;
  chatId: string;
  to: string;
  subject: string;
  message: string;
}

function draftOf(job?: Job): Draft {
  const s = (job?.schedule ?? {}) as Record<string, unknown>;
  const payload = job?.payload !== undefined ? JSON.stringify(job.payload, null, 2) : (job?.body ?? '');
  const dest = job?.destination;
  const p = (job?.payload ?? {}) as Record<string, unknown>;
  return {
    name: job?.name ?? '',
    url: job?.url ?? '',
    method: job?.method ?? 'POST',
    headers: Object.entries(job?.headers ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
    payload,
    tags: job?.tags.join(', ') ?? '',
    kind: (job?.schedule.type as Kind) ?? 'cron',
    expression: String(s.expression ?? '*/5 * * * *'),
    every: s.every !== undefined ? `${Number(s.every) / 1000}s` : '5m',
    times: Array.isArray(s.times) ? s.times.join(', ') : '09:00',
    day: String(s.day ?? 'monday'),
    time: s.hour !== undefined ? `${String(s.hour).padStart(2, '0')}:${String(s.minute ?? 0).padStart(2, '0')}` : '09:00',
    preset: String(s.preset ?? 'morning'),
    at: typeof s.at === 'string' ? toLocalInput(s.at) : toLocalInput(new Date(Date.now() + 3_600_000).toISOString()),
    timezone: String(s.timezone ?? localZone),
    maxRetries: String(job?.retryPolicy.maxRetries ?? 3),
    strategy: job?.retryPolicy.strategy ?? 'exponential',
    timeoutMs: String(job?.timeoutMs ?? 30_000),
    onComplete: job?.onComplete ?? '',
    callbackUrl: job?.callbackUrl ?? '',
    failureCallbackUrl: job?.failureCallbackUrl ?? '',
    eventsUrl: job?.eventsUrl ?? '',
    spaceId: job?.spaceId ?? '',
    target: dest?.type ?? 'url',
    // Secrets come back masked: the fields show the mask, and the job keeps its own unless one is retyped.
    webhookUrl: dest?.webhookUrl ?? '',
    botToken: dest?.botToken ?? '',
    chatId: dest?.chatId !== undefined ? String(dest.chatId) : '',
    to: dest?.to?.join(', ') ?? '',
    subject: dest?.subject ?? '',
    message: String(p.text ?? p.content ?? ''),
  };
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The schedule as the API takes it; the API validates it (the preview shows its verdict). */
function scheduleOf(d: Draft): JobInput['schedule'] {
  const tz = { timezone: d.timezone };
  switch (d.kind) {
    case 'cron':
      return { type: 'cron', expression: d.expression, ...tz };
    case 'interval':
      return { type: 'interval', every: /^\d+$/.test(d.every) ? Number(d.every) : d.every, ...tz };
    case 'daily':
      return { type: 'daily', times: d.times.split(/[,\s]+/).filter(Boolean), ...tz };
    case 'weekly': {
      const [h, m] = d.time.split(':');
      return { type: 'weekly', day: d.day, hour: Number(h), minute: Number(m), ...tz };
    }
    case 'preset':
      return { type: 'preset', preset: d.preset, ...tz };
    case 'once':
      return { type: 'once', at: d.at ? new Date(d.at).toISOString() : '' };
  }
}

function headersOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** A built-in destination as the API takes it, or undefined to keep the job's own (its secrets are only ever shown masked). */
function destinationOf(d: Draft, job: Job | undefined, touched: boolean): JobInput['destination'] {
  if (d.target === 'url') return undefined;
  if (job?.destination?.type === d.target && !touched) return undefined;
  switch (d.target) {
    case 'slack':
    case 'discord':
      return { type: d.target, webhookUrl: d.webhookUrl };
    case 'telegram':
      return { type: 'telegram', botToken: d.botToken, chatId: /^-?\d+$/.test(d.chatId) ? Number(d.chatId) : d.chatId };
    case 'email':
      return { type: 'email', to: d.to.split(/[,\s]+/).filter(Boolean), subject: d.subject };
  }
}

function bodyOf(d: Draft): Pick<JobInput, 'payload' | 'body'> {
  if (!d.payload.trim()) return {};
  try {
    return { payload: JSON.parse(d.payload) as unknown };
  } catch {
    return { body: d.payload };
  }
}

/** Create or edit a job; the API's own field errors show on their fields, the schedule is previewed as one types. */
export function JobForm({ job }: { job?: Job }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [d, setD] = useState<Draft>(() => draftOf(job));
  const set = <K extends keyof Draft>(k: K) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [k]: e.target.value }));
  // Whether the destination's own fields were typed in, so an edit that leaves them alone keeps the stored secrets.
  const [destTouched, setDestTouched] = useState(false);
  const setDest = <K extends keyof Draft>(k: K) => (e: { target: { value: string } }) => {
    setDestTouched(true);
    set(k)(e);
  };
  const isUrl = d.target === 'url';

  const schedule = useMemo(() => scheduleOf(d), [d]);
  const [debounced, setDebounced] = useState(schedule);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(schedule), 300);
    return () => clearTimeout(t);
  }, [schedule]);
  const preview = useQuery({
    queryKey: ['preview', debounced],
    queryFn: () => unwrap(api.POST('/v1/schedules/preview', { body: { schedule: debounced, count: 5 } })),
    retry: false,
  });

  const spaces = useQuery({ queryKey: ['spaces'], queryFn: () => unwrap(api.GET('/v1/spaces', { params: { query: { page: 1, perPage: 100 } } })) });

  const save = useMutation({
    mutationFn: async () => {
      const destination = destinationOf(d, job, destTouched);
      const request: Partial<JobInput> = isUrl
        ? { url: d.url, method: d.method, headers: headersOf(d.headers), ...bodyOf(d) }
        : // Kairos builds a destination's request: the message is the payload's text.
          { ...(destination ? { destination } : {}), payload: d.message ? { text: d.message } : {} };
      const body: JobInput = {
        name: d.name || undefined,
        ...request,
        tags: d.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        schedule,
        retryPolicy: { maxRetries: Number(d.maxRetries), strategy: d.strategy },
        timeoutMs: Number(d.timeoutMs),
        ...(Object.fromEntries(followUps.map(({ key }) => [key, d[key] || null])) as Record<FollowUp, string | null>),
        spaceId: d.spaceId || null,
      };
      // PATCH keeps what the form does not show (description, query); an emptied payload is replaced by an empty body.
      const cleared = body.body === undefined && body.payload === undefined ? { body: '' } : {};
      if (job) return unwrap(api.PATCH('/v1/jobs/{id}', { params: { path: { id: job.id } }, body: { ...body, ...cleared } }));
      return unwrap(api.POST('/v1/jobs', { body }));
    },
    onSuccess: ({ data }) => {
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      void queryClient.invalidateQueries({ queryKey: ['spaces'] });
      void queryClient.invalidateQueries({ queryKey: ['job', data.id] });
      void navigate({ to: '/jobs/$jobId', params: { jobId: data.id } });
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const exactIssue = (field: string) => err?.body?.error.details?.find((x) => x.field === field)?.issue;
  const previewErr = preview.error instanceof ApiError ? preview.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form onSubmit={submit} className="job-form" aria-label={job ? 'Edit job' : 'New job'} noValidate>
      <section className="card">
        <h2>Request</h2>
        <Field label="Name" error={err?.issue('name')}>
          <input value={d.name} onChange={set('name')} maxLength={255} />
        </Field>
        {/* The API's word on the destination as a whole (e.g. email is not configured on this server) shows here. */}
        <Field label="Send to" error={exactIssue('destination') ?? exactIssue('destination.type')}>
          <select
            value={d.target}
            onChange={(e) => {
              setDestTouched(true);
              set('target')(e);
            }}
          >
            {(Object.keys(targetNames) as Target[]).map((t) => (
              <option key={t} value={t}>
                {targetNames[t]}
              </option>
            ))}
          </select>
        </Field>
        {isUrl ? (
          <>
            <div className="row">
              <Field label="Method" error={err?.issue('method')}>
                <select value={d.method} onChange={set('method')}>
                  {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </Field>
              <Field label="URL" error={err?.issue('url')}>
                <input type="url" value={d.url} onChange={set('url')} placeholder="https://example.com/hook" required />
              </Field>
            </div>
            <Field label="Headers" error={err?.issue('headers')} hint="One per line: Name: value">
              <textarea rows={3} value={d.headers} onChange={set('headers')} spellCheck={false} />
            </Field>
            <Field label="Payload" error={err?.issue('payload') ?? err?.issue('body')} hint="JSON is sent as application/json and may use $state and $previous (the last run's state and response); other text is sent as is.">
              <textarea rows={5} value={d.payload} onChange={set('payload')} spellCheck={false} className="mono" />
            </Field>
          </>
        ) : (
          <>
            {(d.target === 'slack' || d.target === 'discord') && (
              <Field label="Webhook URL" error={err?.issue('destination.webhookUrl')} hint={`The ${targetNames[d.target]} incoming webhook URL`}>
                <input type="url" value={d.webhookUrl} onChange={setDest('webhookUrl')} spellCheck={false} />
              </Field>
            )}
            {d.target === 'telegram' && (
              <div className="row">
                <Field label="Bot token" error={err?.issue('destination.botToken')}>
                  <input value={d.botToken} onChange={setDest('botToken')} spellCheck={false} autoComplete="off" />
                </Field>
                <Field label="Chat id" error={err?.issue('destination.chatId')} hint="-100123456 or @channelname">
                  <input value={d.chatId} onChange={setDest('chatId')} spellCheck={false} />
                </Field>
              </div>
            )}
            {d.target === 'email' && (
              <div className="row">
                <Field label="To" error={err?.issue('destination.to')} hint="Addresses, comma-separated">
                  <input value={d.to} onChange={setDest('to')} spellCheck={false} />
                </Field>
                <Field label="Subject" error={err?.issue('destination.subject')}>
                  <input value={d.subject} onChange={setDest('subject')} />
                </Field>
              </div>
            )}
            <Field label="Message" error={err?.issue('payload')} hint="The text sent; it may use $state and $previous">
              <textarea rows={4} value={d.message} onChange={set('message')} />
            </Field>
          </>
        )}
        <div className="row">
          <Field label="Tags" error={err?.issue('tags')} hint="Comma-separated">
            <input value={d.tags} onChange={set('tags')} />
          </Field>
          <Field label="Space" error={err?.issue('spaceId')}>
            <select value={d.spaceId} onChange={set('spaceId')}>
              <option value="">No space</option>
              {spaces.data?.data.map((sp) => (
                <option key={sp.id} value={sp.id}>
                  {sp.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </section>

      <section className="card">
        <h2>Schedule</h2>
        <div className="row">
          <Field label="Repeat">
            <select value={d.kind} onChange={set('kind')}>
              <option value="cron">Cron expression</option>
              <option value="interval">Every interval</option>
              <option value="daily">Daily at times</option>
              <option value="weekly">Weekly</option>
              <option value="preset">Preset</option>
              <option value="once">Once</option>
            </select>
          </Field>
          {d.kind === 'cron' && (
            <Field label="Cron expression" error={err?.issue('schedule.expression') ?? previewErr?.issue('schedule.expression')}>
              <input value={d.expression} onChange={set('expression')} className="mono" spellCheck={false} />
            </Field>
          )}
          {d.kind === 'interval' && (
            <Field label="Every" error={err?.issue('schedule.every') ?? previewErr?.issue('schedule.every')} hint="e.g. 30s, 5m, 1h">
              <input value={d.every} onChange={set('every')} />
            </Field>
          )}
          {d.kind === 'daily' && (
            <Field label="Times" error={err?.issue('schedule.times') ?? previewErr?.issue('schedule.times')} hint="HH:mm, comma-separated">
              <input value={d.times} onChange={set('times')} />
            </Field>
          )}
          {d.kind === 'weekly' && (
            <>
              <Field label="Day" error={previewErr?.issue('schedule.day')}>
                <select value={d.day} onChange={set('day')}>
                  {weekdays.map((w) => (
                    <option key={w}>{w}</option>
                  ))}
                </select>
              </Field>
              <Field label="Time" error={previewErr?.issue('schedule.hour') ?? previewErr?.issue('schedule.minute')}>
                <input type="time" value={d.time} onChange={set('time')} />
              </Field>
            </>
          )}
          {d.kind === 'preset' && (
            <Field label="Preset">
              <select value={d.preset} onChange={set('preset')}>
                {presets.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </Field>
          )}
          {d.kind === 'once' && (
            <Field label="At" error={err?.issue('schedule.at') ?? previewErr?.issue('schedule.at')}>
              <input type="datetime-local" value={d.at} onChange={set('at')} />
            </Field>
          )}
          {d.kind !== 'once' && (
            <Field label="Time zone" error={err?.issue('schedule.timezone') ?? previewErr?.issue('schedule.timezone')}>
              <input value={d.timezone} onChange={set('timezone')} list="zones" />
            </Field>
          )}
        </div>
        <datalist id="zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <div className="preview" aria-live="polite" aria-label="Schedule preview">
          {preview.data ? (
            <>
              <p className="description">Runs {preview.data.data.description}</p>
              <ol>
                {preview.data.data.occurrences.map((o) => (
                  <li key={o}>
                    <time dateTime={o}>{absolute(o)}</time> <span className="muted">({relative(o)})</span>
                  </li>
                ))}
              </ol>
            </>
          ) : previewErr ? (
            <p className="field-error">{previewErr.body?.error.details?.map((x) => `${x.field} ${x.issue}`).join('; ') || previewErr.message}</p>
          ) : (
            <p className="muted">Previewing…</p>
          )}
        </div>
      </section>

      <section className="card">
        <h2>Delivery</h2>
        <div className="row">
          <Field label="Retries" error={err?.issue('retryPolicy.maxRetries')}>
            <input type="number" min={0} max={10} value={d.maxRetries} onChange={set('maxRetries')} />
          </Field>
          <Field label="Backoff" error={err?.issue('retryPolicy.strategy')}>
            <select value={d.strategy} onChange={set('strategy')}>
              {['exponential', 'linear', 'fixed', 'none'].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Timeout (ms)" error={err?.issue('timeoutMs')}>
            <input type="number" min={1} value={d.timeoutMs} onChange={set('timeoutMs')} />
          </Field>
        </div>
      </section>

      <section className="card">
        <h2>Follow-ups</h2>
        {followUps.map(({ key, label, hint }) => (
          <Field key={key} label={label} error={err?.issue(key)} hint={hint}>
            <input type="url" value={d[key]} onChange={set(key)} spellCheck={false} />
          </Field>
        ))}
      </section>

      <ErrorNote error={save.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {job ? 'Save changes' : 'Create job'}
        </button>
      </div>
    </form>
  );
}
