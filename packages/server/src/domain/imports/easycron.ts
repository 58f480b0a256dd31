/**
 * EasyCron jobs, as its API lists them (https://www.easycron.com/document/list:
 * `GET /rest/list?token=…` answers `{ "status": "success", "cron_jobs": [...] }`, every value a
 * string). Accepted inline as that answer or as the list of jobs.
 *
 * - `cron_expression` has EasyCron's six fields, minute hour day-of-month month day-of-week
 *   year; a year other than `*` has no equivalent and is an error. Five fields are taken as cron.
 * - `timezone_from` 2 takes the job's `timezone`; 1 (the account's zone, which the list does not
 *   give) leaves the zone to the space the jobs go to, else UTC.
 * - `http_headers` holds `Name: value` lines; `http_message_body` (older accounts: `posts`) the
 *   body; `auth_user`/`auth_pw` HTTP basic authentication; `custom_timeout` seconds (0: default);
 *   `status` "1" enabled, "0" disabled (imported paused).
 */
import { basicAuth, failed, headerLines, type ImportedJob, ImportSourceError, isRecord, text } from './types.js';

const methods = new Set(['GET', 'POST', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** EasyCron's expression as a Kairos cron expression, or why it has none. */
export function easycronExpression(raw: string): { expression: string } | { reason: string } {
  const expr = raw.trim();
  if (expr.startsWith('@')) {
    const known: Record<string, string> = { '@yearly': '@yearly', '@annually': '@yearly', '@monthly': '@monthly', '@weekly': '@weekly', '@daily': '@daily', '@midnight': '@daily', '@hourly': '@hourly' };
    const k = known[expr.toLowerCase()];
    return k ? { expression: k } : { reason: `Unsupported cron expression: ${expr}` };
  }
  const parts = expr.split(/\s+/);
  if (parts.length === 5) return { expression: parts.join(' ') };
  if (parts.length === 6) {
    if (parts[5] !== '*') return { reason: `Unsupported cron expression: ${expr} (a year field other than * has no equivalent)` };
    return { expression: parts.slice(0, 5).join(' ') };
  }
  return { reason: `Unsupported cron expression: ${expr}` };
}

export function easycronJobs(source: unknown): unknown[] {
  if (Array.isArray(source)) return source;
  if (isRecord(source) && Array.isArray(source.cron_jobs)) return source.cron_jobs;
  throw new ImportSourceError('source', 'must be EasyCron jobs: the answer of /rest/list ({ "status": "success", "cron_jobs": [...] }) or a list of jobs');
}

export function parseEasycron(source: unknown): ImportedJob[] {
  return easycronJobs(source).map((job): ImportedJob => {
    if (!isRecord(job)) return failed(null, null, 'is not an EasyCron job object');
    const id = text(job.cron_job_id) ?? null;
    const url = text(job.url);
    const name = text(job.cron_job_name) ?? url ?? null;
    if (id === null) return failed(null, name, 'has no cron_job_id');
    if (url === undefined) return failed(id, name, 'has no url');
    const cron = easycronExpression(text(job.cron_expression) ?? '');
    if ('reason' in cron) return failed(id, name, cron.reason);
    const method = (text(job.http_method) ?? 'GET').toUpperCase();
    if (!methods.has(method)) return failed(id, name, `${method} requests are not supported`);
    let headers: Record<string, string>;
    try {
      headers = headerLines(text(job.http_headers) ?? '');
    } catch (err) {
      return failed(id, name, `http_headers: ${(err as Error).message}`);
    }
    const user = text(job.auth_user);
    if (user !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.Authorization = basicAuth(user, text(job.auth_pw) ?? '');
    const body = text(job.http_message_body) ?? text(job.posts);
    const timeout = Number(job.custom_timeout ?? 0);
    const timezone = String(job.timezone_from ?? '1') === '2' ? text(job.timezone) : undefined;
    const description = text(job.description);
    return {
      kind: 'job',
      originalId: id,
      originalName: name,
      input: {
        ...(name !== null ? { name: name.slice(0, 255) } : {}),
        ...(description !== undefined ? { description } : {}),
        url,
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        schedule: { type: 'cron', expression: cron.expression, ...(timezone !== undefined ? { timezone } : {}) },
        ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
      },
      status: String(job.status ?? '1') === '0' ? 'paused' : 'active',
    };
  });
}
