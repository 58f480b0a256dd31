import { type CreateJob, type Job, type JobSchedule, type ScheduleInput, toCreateJob, type UpdateJob } from '@kairos/sdk';
import { z } from 'zod';
import * as schemas from '../generated/schemas.js';
import { defineTool, firstItems, fromOpenApi, limitInput, listOutput } from '../tool.js';

const job = fromOpenApi(schemas.job);
const jobId = z.string().min(1).describe('The job id (job_…), as list_jobs or create_job returned it');

/** The ways to say when; exactly one of cron, every, runAt, runIn. */
export const when = {
  cron: z.string().optional().describe('Recurring on a cron expression, e.g. "0 9 * * 1-5" (5 fields; 6 with seconds first). Use explain_schedule to check one.'),
  every: z.string().optional().describe('Recurring at a fixed interval: a duration such as "30s", "5m", "1h", "1d"'),
  runAt: z.string().optional().describe('Once, at this ISO-8601 instant, e.g. "2026-12-24T18:00:00Z"'),
  runIn: z.string().optional().describe('Once, after this delay from now: a duration such as "10m" or "2h"'),
  timezone: z.string().optional().describe('IANA time zone of a cron schedule, e.g. "Europe/Berlin" (default UTC)'),
};

const request = {
  url: z.string().url().optional().describe('The http(s) URL to call (give url or destination)'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).optional().describe('HTTP method (default POST)'),
  headers: z.record(z.string(), z.string()).optional().describe('Request headers, e.g. {"Authorization": "Bearer …"}'),
  payload: z.unknown().optional().describe('A JSON value sent as the request body (Content-Type: application/json)'),
  body: z.string().optional().describe('A raw request body, instead of payload'),
  destination: fromOpenApi(schemas.destination).optional().describe('Instead of url: a Slack, Discord, Telegram or email message ({type, …})'),
  retryPolicy: fromOpenApi(schemas.retryPolicy)
    .optional()
    .describe('Retries on failure: {"strategy": "none"|"fixed"|"linear"|"exponential", "maxRetries": 0-10, "initialDelayMs": n, "multiplier": n, "maxDelayMs": n, "jitter": true|false} (any subset; the rest default)'),
  timeoutMs: z.number().int().positive().optional().describe('How long one attempt may take, in ms'),
  name: z.string().optional().describe('A name for people'),
  description: z.string().optional().describe('What the job is for'),
  tags: z.array(z.string()).optional().describe('Tags to find it by'),
  spaceId: z.string().optional().describe('The space (sp_…) to put it in'),
};

export function scheduleOf(args: { cron?: string | undefined; every?: string | undefined; runAt?: string | undefined; runIn?: string | undefined; timezone?: string | undefined }): JobSchedule | undefined {
  const given = (['cron', 'every', 'runAt', 'runIn'] as const).filter((k) => args[k] !== undefined);
  if (given.length === 0) {
    if (args.timezone !== undefined) throw new TypeError('timezone goes with a cron or every schedule: give one of them too');
    return undefined;
  }
  const when = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  return toCreateJob(when as ScheduleInput).schedule;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List jobs',
  description: 'Lists the scheduled jobs of the project, newest first, with their schedule, status, next run and last outcome. Filter by status, tag, space or a search in name and URL.',
  readOnly: true,
  input: {
    status: z.enum(['active', 'paused', 'completed', 'failed', 'cancelled']).optional().describe('Only jobs in this state'),
    tag: z.string().optional().describe('Only jobs with this tag'),
    spaceId: z.string().optional().describe('Only jobs in this space (sp_…)'),
    search: z.string().optional().describe('Text to find in the name or URL'),
    limit: limitInput,
  },
  output: { jobs: z.array(job), ...listOutput },
  async run(kairos, { status, tag, spaceId, search, limit }) {
    const { items, note, ...rest } = await firstItems(kairos.jobs.list({ ...defined({ status, tag, spaceId, q: search }), perPage: Math.min(limit, 100) }), limit, 'jobs');
    return { result: { jobs: items as Job[], ...rest }, ...(note ? { note } : {}) };
  },
});

export const getJob = defineTool({
  name: 'get_job',
  title: 'Get a job',
  description: 'Reads one job: its target, schedule (in words too), status, next run, retry policy and last outcome.',
  readOnly: true,
  input: { jobId },
  output: { job },
  async run(kairos, { jobId }) {
    return { result: { job: await kairos.jobs.get(jobId) } };
  },
});

export const createJob = defineTool({
  name: 'create_job',
  title: 'Create a job',
  description:
    'Schedules an HTTP request (or a Slack, Discord, Telegram or email message): give url (or destination) and exactly one of cron, every, runAt, runIn. ' +
    'Kairos delivers it on time, retries it when it fails, and records each attempt (see get_executions).',
  readOnly: false,
  input: { ...request, ...when },
  output: { job },
  async run(kairos, args) {
    const { cron, every, runAt, runIn, timezone, ...fields } = args;
    const schedule = scheduleOf({ cron, every, runAt, runIn, timezone });
    if (!schedule) throw new TypeError('say when: give exactly one of cron, every, runAt, runIn');
    return { result: { job: await kairos.jobs.create({ ...defined(fields), schedule } as CreateJob) } };
  },
});

export const updateJob = defineTool({
  name: 'update_job',
  title: 'Update a job',
  description: 'Changes the fields given and keeps the others. To change when it runs, give one of cron, every, runAt, runIn (with timezone for cron). Pausing and resuming have their own tools.',
  readOnly: false,
  idempotent: true,
  input: { jobId, ...request, ...when },
  output: { job },
  async run(kairos, args) {
    const { jobId, cron, every, runAt, runIn, timezone, ...fields } = args;
    const schedule = scheduleOf({ cron, every, runAt, runIn, timezone });
    const changes = { ...defined(fields), ...(schedule ? { schedule } : {}) } as UpdateJob;
    if (Object.keys(changes).length === 0) throw new TypeError('nothing to change: give at least one field besides jobId');
    return { result: { job: await kairos.jobs.update(jobId, changes) } };
  },
});

export const deleteJob = defineTool({
  name: 'delete_job',
  title: 'Delete a job',
  description: 'Deletes a job for good, with its pending runs; its past attempts stay in the history. Cannot be undone: pause_job stops a job and keeps it.',
  readOnly: false,
  destructive: true,
  idempotent: true,
  input: { jobId },
  output: { deleted: z.string().describe('The id of the deleted job') },
  async run(kairos, { jobId }) {
    await kairos.jobs.delete(jobId);
    return { result: { deleted: jobId } };
  },
});

export const runJob = defineTool({
  name: 'run_job',
  title: 'Run a job now',
  description: 'Delivers the job once now, besides its schedule. By default waits for the attempt and returns its outcome (status, HTTP status, duration, error).',
  readOnly: false,
  input: {
    jobId,
    wait: z.boolean().default(true).describe('Wait for the attempt and return its outcome (default true); false returns at once with the queued run'),
  },
  output: { run: z.union([fromOpenApi(schemas.runResult), fromOpenApi(schemas.pendingRun)]).describe('The attempt, or the queued run when not waiting') },
  async run(kairos, { jobId, wait }) {
    return { result: { run: await kairos.jobs.run(jobId, { wait }) } };
  },
});

export const pauseJob = defineTool({
  name: 'pause_job',
  title: 'Pause a job',
  description: 'Stops a job from running until resume_job; it keeps its schedule and history.',
  readOnly: false,
  idempotent: true,
  input: { jobId },
  output: { job },
  async run(kairos, { jobId }) {
    return { result: { job: await kairos.jobs.pause(jobId) } };
  },
});

export const resumeJob = defineTool({
  name: 'resume_job',
  title: 'Resume a job',
  description: 'Starts a paused job again from its next occurrence.',
  readOnly: false,
  idempotent: true,
  input: { jobId },
  output: { job },
  async run(kairos, { jobId }) {
    return { result: { job: await kairos.jobs.resume(jobId) } };
  },
});
