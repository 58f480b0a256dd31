/**
 * Fetching a user's jobs from the services they are moving from, with the key they give. The API
 * bases are the operator's settings (KAIROS_CRONJOBORG_API_URL, KAIROS_EASYCRON_API_URL), like
 * the Telegram API's: they are not targets a user chose, so the target rules do not apply.
 */
import { AppError } from '../domain/errors.js';

export interface ImportApis {
  /** cron-job.org's REST API base, e.g. https://api.cron-job.org */
  cronjobOrgApiUrl: string;
  /** EasyCron's API base, e.g. https://www.easycron.com */
  easycronApiUrl: string;
}

/** A service's answer that it will not answer more for now (HTTP 429). */
class RateLimited extends AppError {}

/** Jobs fetched, and those listed whose details could not be read, each with why. */
export interface Fetched {
  jobs: unknown[];
  unread: Array<{ originalId: string; originalName: string | null; reason: string }>;
}

const timeoutMs = 30_000;
/** An account's job list is small; a bigger answer is not the API we expect. */
const maxAnswerBytes = 16 * 1024 * 1024;
/** cron-job.org allows 5 detail requests a second. */
const cronjobOrgPerSecond = 5;
const easycronPageSize = 100;
const easycronMaxPages = 100;

async function getJson(service: string, url: string, headers: Record<string, string>): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : ((err as { cause?: Error }).cause?.message ?? (err as Error).message);
    throw new AppError('unavailable', `${service} could not be reached: ${reason}`);
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > maxAnswerBytes) throw new AppError('unavailable', `${service} answered with more than ${maxAnswerBytes} bytes`);
  const body = await res.text();
  if (res.status === 401 || res.status === 403) throw AppError.validation([{ field: 'apiKey', issue: `${service} refused this key (HTTP ${res.status})` }]);
  if (res.status === 429) throw new RateLimited('unavailable', `${service} answered HTTP 429: its API's rate limit for this key is reached; try again later`);
  if (res.status < 200 || res.status > 299) throw new AppError('unavailable', `${service} answered HTTP ${res.status}`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new AppError('unavailable', `${service} answered with something other than JSON`);
  }
}

/**
 * `GET /jobs`, then `GET /jobs/<jobId>` for each (headers and body are only in the details). Its
 * API allows a key few requests a day: once it answers 429, the jobs whose details were read are
 * imported and the others are reported unread, for an import later (which skips the ones made).
 */
export async function fetchCronjobOrg(base: string, apiKey: string): Promise<Fetched> {
  const auth = { authorization: `Bearer ${apiKey}` };
  const list = await getJson('cron-job.org', `${base}/jobs`, auth);
  const jobs = (list as { jobs?: unknown }).jobs;
  if (!Array.isArray(jobs)) throw new AppError('unavailable', 'cron-job.org answered GET /jobs without a jobs list');
  const details: unknown[] = [];
  const unread: Fetched['unread'] = [];
  let limited: string | null = null;
  let windowStart = Date.now();
  for (const [i, job] of jobs.entries()) {
    if (i > 0 && i % cronjobOrgPerSecond === 0) {
      const wait = windowStart + 1_000 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      windowStart = Date.now();
    }
    const id = (job as { jobId?: unknown }).jobId;
    if (typeof id !== 'number' && typeof id !== 'string') {
      details.push(job);
      continue;
    }
    if (limited !== null) {
      unread.push({ originalId: String(id), originalName: typeof (job as { title?: unknown }).title === 'string' ? (job as { title: string }).title : null, reason: limited });
      continue;
    }
    try {
      const answer = await getJson('cron-job.org', `${base}/jobs/${encodeURIComponent(String(id))}`, auth);
      details.push((answer as { jobDetails?: unknown }).jobDetails ?? job);
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      limited = `not read: ${err.message}`;
      unread.push({ originalId: String(id), originalName: typeof (job as { title?: unknown }).title === 'string' ? (job as { title: string }).title : null, reason: limited });
    }
  }
  return { jobs: details, unread };
}

/** `GET /rest/list?token=…`, page by page. */
export async function fetchEasycron(base: string, token: string): Promise<Fetched> {
  const jobs: unknown[] = [];
  const seen = new Set<string>();
  for (let page = 1; page <= easycronMaxPages; page++) {
    const answer = (await getJson('EasyCron', `${base}/rest/list?token=${encodeURIComponent(token)}&page=${page}&size=${easycronPageSize}&sortby=cronId&order=asc`, {})) as {
      status?: string;
      cron_jobs?: unknown;
      error?: { message?: string };
    };
    if (answer.status === 'error') throw AppError.validation([{ field: 'apiKey', issue: `EasyCron refused this token: ${answer.error?.message ?? 'error'}` }]);
    if (!Array.isArray(answer.cron_jobs)) throw new AppError('unavailable', 'EasyCron answered /rest/list without a cron_jobs list');
    let added = 0;
    for (const job of answer.cron_jobs) {
      const id = String((job as { cron_job_id?: unknown }).cron_job_id ?? '');
      if (seen.has(id)) continue;
      seen.add(id);
      jobs.push(job);
      added++;
    }
    if (answer.cron_jobs.length < easycronPageSize || added === 0) break;
  }
  return { jobs, unread: [] };
}
