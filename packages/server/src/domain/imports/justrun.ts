/**
 * JustRun job objects, as its `POST /v1/migrate/json` takes them (`{ jobs: [...] }`, each in the
 * shape of its Create Job endpoint) or as its job list returns them (with `id` and `status`).
 *
 * A job is what JustRun's own create endpoint under /compat/justrun makes of the same fields (a
 * test holds the two together): its defaults (GET, 30 s, no retries, 60 s between retries,
 * response bodies not kept), `retry_delay_sec` as the first retry delay, an exponential policy
 * doubling, and `{{execution_id}}` in headers and body as Kairos's `{{run.id}}` (the id all
 * attempts of one occurrence share, which JustRun calls an execution).
 */
import { failed, type ImportedJob, ImportSourceError, isRecord, text } from './types.js';

export function justrunJobs(source: unknown): unknown[] {
  if (Array.isArray(source)) return source;
  if (isRecord(source) && Array.isArray(source.jobs)) return source.jobs;
  if (isRecord(source) && Array.isArray(source.data)) return source.data;
  throw new ImportSourceError('source', 'must be JustRun jobs: { "jobs": [...] } as /v1/migrate/json takes them, a job list ({ "data": [...] }), or a list of jobs');
}

const templates = (value: string) => value.replace(/\{\{\s*execution_id\s*\}\}/g, '{{run.id}}');

export function parseJustrun(source: unknown): ImportedJob[] {
  return justrunJobs(source).map((job, i): ImportedJob => {
    if (!isRecord(job)) return failed(null, null, 'is not a JustRun job object');
    const name = text(job.name) ?? null;
    const id = text(job.id) ?? (name !== null ? `name:${name}` : null);
    if (id === null) return failed(null, null, `job ${i} has neither an id nor a name`);
    const url = text(job.url);
    const expression = text(job.cron_expression);
    if (url === undefined) return failed(id, name, 'has no url');
    if (expression === undefined) return failed(id, name, 'has no cron_expression');
    if (expression.trim().startsWith('@reboot')) return failed(id, name, `Unsupported cron expression: ${expression}`);

    const headers: Record<string, string> = {};
    if (isRecord(job.headers)) for (const [k, v] of Object.entries(job.headers)) headers[k] = templates(String(v));
    const strategy = text(job.retry_policy) ?? 'none';
    const retryMax = typeof job.retry_max === 'number' ? job.retry_max : 0;
    const delayMs = (typeof job.retry_delay_sec === 'number' ? job.retry_delay_sec : 60) * 1000;
    const retryPolicy = strategy === 'none' ? { strategy: 'none', maxRetries: 0, initialDelayMs: delayMs } : { strategy, maxRetries: retryMax, initialDelayMs: delayMs, ...(strategy === 'exponential' ? { multiplier: 2 } : {}) };
    const body = text(job.body) !== undefined ? templates(text(job.body)!) : undefined;
    const status = text(job.status);
    return {
      kind: 'job',
      originalId: id,
      originalName: name,
      input: {
        ...(name !== null ? { name } : {}),
        url,
        method: text(job.method) ?? 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        schedule: { type: 'cron', expression, ...(text(job.timezone) !== undefined ? { timezone: text(job.timezone) } : {}) },
        timeoutMs: (typeof job.timeout_sec === 'number' ? job.timeout_sec : 30) * 1000,
        retryPolicy,
        tags: Array.isArray(job.tags) ? job.tags.map(String) : [],
        storeResponseBody: job.store_response_body === true,
      },
      status: status === 'paused' ? 'paused' : 'active',
      // A space of this project when restored from its own list; another account's is left out.
      originalSpaceId: text(job.space_id) ?? null,
    };
  });
}
