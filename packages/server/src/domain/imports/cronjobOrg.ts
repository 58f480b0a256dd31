/**
 * cron-job.org jobs, as its REST API returns them (https://docs.cron-job.org/rest-api.html):
 * `GET /jobs` answers `{ jobs: [Job] }`, `GET /jobs/<jobId>` answers `{ jobDetails: DetailedJob }`.
 * Accepted inline as either answer, a list of either, or a list of jobs.
 *
 * - `schedule` holds lists of `minutes`, `hours`, `mdays`, `months` and `wdays` (0 = Sunday),
 *   `[-1]` meaning every; cron-job.org runs a job when every list matches, so a job restricted
 *   by both day of month and day of week needs both (`+` on the weekday field: croner's AND,
 *   where plain cron would take either).
 * - `expiresAt` (`YYYYMMDDhhmmss`, 0 for never): a job already expired is skipped.
 * - `requestMethod` is a number (0 GET, 1 POST, 2 OPTIONS, 3 HEAD, 4 PUT, 5 DELETE, 6 TRACE,
 *   7 CONNECT, 8 PATCH); `requestTimeout` is in seconds; `enabled: false` imports paused.
 * - `extendedData.headers` and `.body` are the request's; `auth` is HTTP basic authentication.
 */
import { basicAuth, failed, type ImportedJob, ImportSourceError, isRecord, skipped, text } from './types.js';

const methods = ['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'PATCH'];

const fields = [
  ['minutes', 0, 59],
  ['hours', 0, 23],
  ['mdays', 1, 31],
  ['months', 1, 12],
  ['wdays', 0, 6],
] as const;

/** The cron expression of a cron-job.org schedule, or why there is none. */
export function cronjobOrgExpression(schedule: Record<string, unknown>): { expression: string } | { reason: string } {
  const parts: string[] = [];
  for (const [name, min, max] of fields) {
    const list = schedule[name] ?? [-1];
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => Number.isInteger(v))) return { reason: `schedule.${name} must be a non-empty list of whole numbers` };
    if (list.includes(-1)) {
      parts.push('*');
      continue;
    }
    const values = [...new Set(list as number[])].sort((a, b) => a - b);
    const bad = values.find((v) => v < min || v > max);
    if (bad !== undefined) return { reason: `schedule.${name} holds ${bad}, outside ${min}–${max}` };
    parts.push(values.join(','));
  }
  if (parts[2] !== '*' && parts[4] !== '*') parts[4] = `+${parts[4]}`;
  return { expression: parts.join(' ') };
}

/** `YYYYMMDDhhmmss` in `timezone` as epoch ms (to the minute is what matters here). */
function expiryInstant(value: number, timezone: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(value));
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // The zone's offset at that instant, from how it writes the UTC reading back.
  try {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const p = Object.fromEntries(f.formatToParts(asUtc).map((x) => [x.type, x.value]));
    const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    return asUtc - (local - asUtc);
  } catch {
    return asUtc;
  }
}

/** The jobs of a cron-job.org answer (or list of answers). */
export function cronjobOrgJobs(source: unknown): unknown[] {
  const unwrap = (v: unknown): unknown => (isRecord(v) && isRecord(v.jobDetails) ? v.jobDetails : v);
  if (Array.isArray(source)) return source.map(unwrap);
  if (isRecord(source) && Array.isArray(source.jobs)) return source.jobs;
  if (isRecord(source) && isRecord(source.jobDetails)) return [source.jobDetails];
  throw new ImportSourceError('source', 'must be cron-job.org jobs: the answer of GET /jobs ({ "jobs": [...] }), of GET /jobs/<jobId> ({ "jobDetails": {...} }), or a list of jobs');
}

export function parseCronjobOrg(source: unknown, now: number): ImportedJob[] {
  return cronjobOrgJobs(source).map((job): ImportedJob => {
    if (!isRecord(job)) return failed(null, null, 'is not a cron-job.org job object');
    const id = text(job.jobId) ?? null;
    const url = text(job.url);
    const name = text(job.title) ?? url ?? null;
    if (id === null) return failed(null, name, 'has no jobId');
    if (url === undefined) return failed(id, name, 'has no url');
    const schedule = isRecord(job.schedule) ? job.schedule : {};
    const timezone = text(schedule.timezone) ?? 'UTC';
    const cron = cronjobOrgExpression(schedule);
    if ('reason' in cron) return failed(id, name, cron.reason);
    const expiresAt = typeof schedule.expiresAt === 'number' && schedule.expiresAt > 0 ? expiryInstant(schedule.expiresAt, timezone) : null;
    if (expiresAt !== null && expiresAt <= now) return skipped(id, name, `expired at ${new Date(expiresAt).toISOString()}`);

    const methodCode = job.requestMethod ?? 0;
    const method = typeof methodCode === 'number' ? methods[methodCode] : undefined;
    if (method === undefined) return failed(id, name, `requestMethod ${String(methodCode)} is not one of cron-job.org's methods (0–8)`);
    if (method === 'TRACE' || method === 'CONNECT') return failed(id, name, `${method} requests are not supported`);

    const extended = isRecord(job.extendedData) ? job.extendedData : {};
    const headers: Record<string, string> = {};
    if (isRecord(extended.headers)) for (const [k, v] of Object.entries(extended.headers)) headers[k] = String(v);
    const auth = isRecord(job.auth) ? job.auth : {};
    if (auth.enable === true && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers.Authorization = basicAuth(String(auth.user ?? ''), String(auth.password ?? ''));
    }
    const body = text(extended.body);
    const timeout = typeof job.requestTimeout === 'number' && job.requestTimeout > 0 ? job.requestTimeout * 1000 : undefined;
    return {
      kind: 'job',
      originalId: id,
      originalName: name,
      input: {
        ...(name !== null ? { name: name.slice(0, 255) } : {}),
        url,
        method,
        headers,
        ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
        schedule: { type: 'cron', expression: cron.expression, timezone },
        ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
        ...(typeof job.saveResponses === 'boolean' ? { storeResponseBody: job.saveResponses } : {}),
      },
      status: job.enabled === false ? 'paused' : 'active',
    };
  });
}
