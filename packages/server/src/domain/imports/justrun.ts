/**
 * JustRun job objects, as its `POST /v1/migrate/json` takes them (`{ jobs: [...] }`, each in the
 * shape of its Create Job endpoint) or as its job list returns them (with `id` and `status`).
 *
 * Its defaults are kept where they differ from Kairos's: `method` GET, `retry_policy` none,
 * `store_response_body` false. `retry_delay_sec` (default 60) is the first retry delay.
 * `{{execution_id}}` in header values is Kairos's `{{execution.id}}`.
 */
import { failed, type ImportedJob, ImportSourceError, isRecord, text } from './types.js';

export function justrunJobs(source: unknown): unknown[] {
  if (Array.isArray(source)) return source;
  if (isRecord(source) && Array.isArray(source.jobs)) return source.jobs;
  if (isRecord(source) && Array.isArray(source.data)) return source.data;
  throw new ImportSourceError('source', 'must be JustRun jobs: { "jobs": [...] } as /v1/migrate/json takes them, a job list ({ "data": [...] }), or a list of jobs');
}

const templates = (value: string) => value.replace(/\{\{\s*execution_id\s*\}\}/g, '{{execution.id}}').replace(/\{\{\s*job_id\s*\}\}/g, '{{job.id}}');

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
    const retryPolicy = strategy === 'none' || retryMax === 0 ? { strategy: 'none', maxRetries: 0 } : { strategy, maxRetries: retryMax, initialDelayMs: delayMs };
    const body = text(job.body);
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
        ...(typeof job.timeout_sec === 'number' ? { timeoutMs: job.timeout_sec * 1000 } : {}),
        retryPolicy,
        ...(Array.isArray(job.tags) ? { tags: job.tags.map(String) } : {}),
        storeResponseBody: job.store_response_body === true,
      },
      status: status === 'paused' ? 'paused' : 'active',
    };
  });
}
