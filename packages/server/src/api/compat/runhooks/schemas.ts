/** Runhooks' request shapes, with the document's ranges. What needs more than a shape is translate.ts's or the service's check. */
import { Type } from 'typebox';
import { httpMethods } from '../../../domain/jobDefinition.js';
import { maxPage, StringEnum } from '../../v1/schemas/common.js';
import { alertChannels } from './translate.js';

const Schedule = Type.Object(
  {
    type: StringEnum(['cron', 'interval'] as const),
    expression: Type.String({ minLength: 1, maxLength: 200 }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const HttpConfigFields = {
  method: Type.Optional(StringEnum(httpMethods)),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  // 1 MB, counted in bytes by the job's own check.
  body: Type.Optional(Type.String()),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1_000, maximum: 300_000 })),
};

const RetryPolicy = Type.Object(
  {
    maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    initialDelay: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    backoffMultiplier: Type.Optional(Type.Number({ minimum: 1, maximum: 10 })),
    maxDelay: Type.Optional(Type.Integer({ minimum: 1_000, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.String({ maxLength: 2_000 });

export const CreateJobBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    schedule: Schedule,
    httpConfig: Type.Object({ url: Type.String({ minLength: 1, maxLength: 2_048 }), ...HttpConfigFields }, { additionalProperties: false }),
    retryPolicy: Type.Optional(RetryPolicy),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

export const UpdateJobBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    schedule: Type.Optional(Schedule),
    httpConfig: Type.Optional(Type.Object({ url: Type.Optional(Type.String({ minLength: 1, maxLength: 2_048 })), ...HttpConfigFields }, { additionalProperties: false })),
    retryPolicy: Type.Optional(RetryPolicy),
    status: Type.Optional(StringEnum(['active', 'paused'] as const)),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

const Page = { page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };

export const JobListQuery = Type.Object(
  {
    ...Page,
    status: Type.Optional(StringEnum(['active', 'paused', 'completed', 'failed'] as const)),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const executionStatuses = ['pending', 'running', 'success', 'failed', 'timeout', 'dead_letter', 'quota_exceeded'] as const;

export const JobExecutionsQuery = Type.Object({ ...Page, status: Type.Optional(StringEnum(executionStatuses)) }, { additionalProperties: false });
export const ExecutionsQuery = Type.Object(
  { ...Page, status: Type.Optional(StringEnum(executionStatuses)), jobId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const AlertFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  channel: StringEnum(alertChannels),
  target: Type.String({ minLength: 1, maxLength: 500 }),
  jobId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  consecutiveFailuresThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cooldownMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
  enabled: Type.Optional(Type.Boolean()),
};

export const CreateAlertBody = Type.Object(AlertFields, { additionalProperties: false });
export const UpdateAlertBody = Type.Object(
  {
    ...AlertFields,
    name: Type.Optional(AlertFields.name),
    channel: Type.Optional(AlertFields.channel),
    target: Type.Optional(AlertFields.target),
  },
  { additionalProperties: false },
);

export const RegisterBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);

export const RegisterAnonymousBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }, { additionalProperties: false });

export const LoginBody = Type.Object(
  { email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
