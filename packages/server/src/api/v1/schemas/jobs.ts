import { Type, type Static } from 'typebox';
import { destinationTypes } from '../../../domain/destinations.js';
import { httpMethods, limits } from '../../../domain/jobDefinition.js';
import { nullable, StringEnum, Timestamp, PageFields } from './common.js';
import { bulkActions } from '../../../service/jobs.js';

/**
 * The native job body. Types and shapes are checked here; the schedule and retry policy are
 * compiled by domain/ so that every calendar rule lives in one place.
 */
const jobFields = {
  name: Type.String({ maxLength: limits.nameLength }),
  description: Type.Union([Type.String({ maxLength: limits.descriptionLength }), Type.Null()]),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: limits.tagLength }), { maxItems: limits.tagCount }),
  spaceId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  url: Type.String({ minLength: 1, maxLength: limits.urlLength }),
  destination: Type.Object(
    {
      type: StringEnum(destinationTypes),
      webhookUrl: Type.Optional(Type.String({ description: 'slack, discord: the incoming webhook URL' })),
      botToken: Type.Optional(Type.String({ description: 'telegram: the bot token' })),
      chatId: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: 'telegram: the chat id or @channelname' })),
      to: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })], { description: 'email: an address or several' })),
      subject: Type.Optional(Type.String({ description: 'email' })),
    },
    {
      additionalProperties: false,
      description: 'Instead of url: slack {webhookUrl} and telegram {botToken, chatId} send payload.text, discord payload.content or payload.text, email {to, subject} payload.html or payload.text',
    },
  ),
  method: Type.String({ description: httpMethods.join(' | ') }),
  headers: Type.Record(Type.String(), Type.String()),
  query: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  body: Type.String(),
  payload: Type.Unknown(),
  schedule: Type.Object(
    { type: Type.Union([Type.Literal('once'), Type.Literal('cron'), Type.Literal('interval'), Type.Literal('preset'), Type.Literal('weekly'), Type.Literal('daily')]) },
    { additionalProperties: true, description: 'once {at|delay}, cron {expression}, interval {every}, preset {preset}, weekly {day, hour, minute}, daily {times}; recurring forms take timezone' },
  ),
  retryPolicy: Type.Object({}, { additionalProperties: true }),
  timeoutMs: Type.Integer(),
  storeResponseBody: Type.Boolean(),
  followRedirects: Type.Boolean({ description: 'Follow redirects for every method; by default only GET and HEAD follow them (at most 5 hops)' }),
  onComplete: nullable(Type.String({ maxLength: limits.urlLength, description: 'After each successful run, a one-time job POSTs the payload here' })),
  callbackUrl: nullable(Type.String({ maxLength: limits.urlLength, description: "After each run, its result is POSTed here (signed)" })),
  failureCallbackUrl: nullable(Type.String({ maxLength: limits.urlLength, description: 'Once a run is dead-lettered, its result is POSTed here (signed)' })),
  eventsUrl: nullable(Type.String({ maxLength: limits.urlLength, description: 'Lifecycle events of every attempt: job.started, job.request, job.response, job.error, job.finished (signed)' })),
};

const { schedule, ...optionalFields } = jobFields;
/** Every field but the schedule, each optional. */
const optional = Type.Partial(Type.Object(optionalFields)).properties;

export const CreateJobBody = Type.Object(
  {
    schedule,
    ...optional,
    /** Same as the `Idempotency-Key` header. */
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type CreateJobBody = Static<typeof CreateJobBody>;

export const maxBatchJobs = 1_000;

export const CreateJobsBatchBody = Type.Object(
  { jobs: Type.Array(CreateJobBody, { minItems: 1, maxItems: maxBatchJobs }) },
  { additionalProperties: false },
);
export type CreateJobsBatchBody = Static<typeof CreateJobsBatchBody>;

/** A batch of up to 1 000 jobs: far more than one job's limit, far less than 1 000 of them at 1 MiB. */
export const batchBodyLimit = 16 * 1024 * 1024;

/** A change: any field of a job, and `status` to pause or resume it. */
export const PatchJobBody = Type.Object(
  {
    schedule: Type.Optional(schedule),
    ...optional,
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchJobBody = Static<typeof PatchJobBody>;

export const JobListQuery = Type.Object(
  {
    ...PageFields,
    status: Type.Optional(Type.Union(['active', 'paused', 'completed', 'failed', 'cancelled'].map((s) => Type.Literal(s)))),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: limits.tagLength })),
    spaceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Part of the name or URL, any case' })),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;

export const RunNowQuery = Type.Object({ wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type RunNowQuery = Static<typeof RunNowQuery>;

export const BulkBody = Type.Object(
  {
    jobIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
    action: StringEnum(bulkActions),
    spaceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: limits.tagLength }), { minItems: 1, maxItems: limits.tagCount })),
  },
  { additionalProperties: false },
);
export type BulkBody = Static<typeof BulkBody>;

/** A schedule as stored: the form's fields with defaults filled in (`once.at` in epoch ms). */
const ScheduleView = Type.Object(
  {
    type: StringEnum(['once', 'cron', 'interval', 'preset', 'weekly', 'daily']),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'once: the instant, ISO-8601 UTC' })),
    expression: Type.Optional(Type.String({ description: 'cron' })),
    every: Type.Optional(Type.Number({ description: 'interval: milliseconds' })),
    preset: Type.Optional(Type.String({ description: 'preset' })),
    day: Type.Optional(Type.String({ description: 'weekly' })),
    hour: Type.Optional(Type.Number({ description: 'weekly' })),
    minute: Type.Optional(Type.Number({ description: 'weekly' })),
    times: Type.Optional(Type.Array(Type.String(), { description: 'daily: "HH:mm"' })),
    timezone: Type.Optional(Type.String({ description: 'recurring forms: IANA name' })),
  },
  { additionalProperties: true },
);

const RetryPolicyView = Type.Object(
  {
    maxRetries: Type.Number(),
    strategy: StringEnum(['none', 'fixed', 'linear', 'exponential']),
    initialDelayMs: Type.Number(),
    multiplier: Type.Number(),
    maxDelayMs: Type.Number(),
    jitter: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

/** A job as api/v1/views.ts `jobView` returns it; every field listed, or serialization drops it. */
export const Job = Type.Object({
  id: Type.String({ description: 'job_…' }),
  name: nullable(Type.String()),
  description: nullable(Type.String()),
  status: StringEnum(['active', 'paused', 'completed', 'failed', 'cancelled']),
  tags: Type.Array(Type.String()),
  spaceId: nullable(Type.String({ description: 'sp_…' })),
  url: nullable(Type.String({ description: 'null when the job has a destination' })),
  destination: nullable(
    Type.Object(
      {
        type: StringEnum(destinationTypes),
        webhookUrl: Type.Optional(Type.String({ description: 'Masked: the origin and the last characters' })),
        botToken: Type.Optional(Type.String({ description: 'Masked: a short prefix and suffix' })),
        chatId: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'integer'] })),
        to: Type.Optional(Type.Array(Type.String())),
        subject: Type.Optional(Type.String()),
      },
      { description: 'A built-in destination, its secrets masked; null for a URL job' },
    ),
  ),
  method: StringEnum(httpMethods),
  headers: Type.Record(Type.String(), Type.String()),
  query: Type.Record(Type.String(), Type.String()),
  payload: Type.Optional(Type.Unknown({ description: 'Any JSON, sent as application/json; present instead of body when the job has one' })),
  body: Type.Optional(nullable(Type.String({ description: 'Present when the job has no payload' }))),
  schedule: ScheduleView,
  scheduleDescription: Type.String({ description: 'The schedule in plain words, e.g. "every weekday at 09:00 (Europe/Berlin)"' }),
  retryPolicy: RetryPolicyView,
  timeoutMs: Type.Integer(),
  storeResponseBody: Type.Boolean(),
  followRedirects: Type.Boolean(),
  onComplete: nullable(Type.String()),
  callbackUrl: nullable(Type.String()),
  failureCallbackUrl: nullable(Type.String()),
  eventsUrl: nullable(Type.String()),
  parentJobId: nullable(Type.String({ description: 'The job whose onComplete made this follow-up' })),
  nextRunAt: nullable(Timestamp),
  lastRunAt: nullable(Timestamp),
  lastStatus: nullable(Type.String({ description: 'The last attempt\'s status' })),
  lastStatusCode: nullable(Type.Integer()),
  lastDurationMs: nullable(Type.Integer()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Job = Static<typeof Job>;

/** One delivery attempt as api/v1/views.ts `executionView` returns it. */
export const Execution = Type.Object({
  id: Type.String({ description: 'exe_…' }),
  jobId: Type.String(),
  runId: Type.String(),
  deliveryId: Type.String({ description: 'The same for every attempt of one run (the webhook-id header)' }),
  attempt: Type.Integer({ minimum: 1 }),
  triggeredBy: StringEnum(['schedule', 'manual', 'replay']),
  replayOf: nullable(Type.String({ description: 'The execution this one replays' })),
  status: StringEnum(['success', 'failed', 'timeout', 'dead_letter', 'quota_exceeded']),
  statusCode: nullable(Type.Integer()),
  durationMs: Type.Integer(),
  error: nullable(Type.String()),
  scheduledFor: Timestamp,
  startedAt: Timestamp,
  completedAt: Timestamp,
  responseHeaders: nullable(Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))),
  responseBody: nullable(Type.String({ description: 'The first 100 KiB' })),
  request: nullable(
    Type.Object({
      method: Type.String(),
      url: nullable(Type.String()),
      headers: Type.Record(Type.String(), Type.String()),
      body: nullable(Type.String({ description: 'The first 100 KiB' })),
    }),
  ),
});
export type Execution = Static<typeof Execution>;

/** A run that was started and has not been attempted yet: what run-now (202) and replay answer. */
export const PendingRun = Type.Object({
  runId: Type.String({ description: 'run_…' }),
  jobId: Type.String(),
  deliveryId: Type.String({ description: 'The webhook-id header its attempts will carry' }),
  triggeredBy: StringEnum(['manual', 'replay']),
  replayOf: Type.Optional(Type.String({ description: 'replay: the execution it replays' })),
  status: StringEnum(['pending']),
  scheduledFor: Timestamp,
});

export const BulkResult = Type.Object({
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  errors: Type.Array(Type.Object({ jobId: Type.String(), code: Type.String(), message: Type.String() })),
});
