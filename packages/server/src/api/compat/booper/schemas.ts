import { type Static, Type } from 'typebox';

// Request shapes of Booper's `POST /api/jobs` (seed 004, "Body"). Types only: the rules are the
// service's, reached through translate.ts. Hidden from the native OpenAPI document.

export const CreateJobBody = Type.Object(
  {
    method: Type.Optional(Type.String()),
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    query: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    body: Type.Optional(Type.Unknown()),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    // Seconds or [n, unit]; a datetime string or Unix seconds. Open here: translate.ts says
    // what is wrong with any other value in Booper's own terms.
    schedule_in: Type.Optional(Type.Unknown()),
    scheduled_at: Type.Optional(Type.Unknown()),
    repeat_every: Type.Optional(Type.Unknown()),
    cron: Type.Optional(Type.String({ maxLength: 256 })),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    callback_url: Type.Optional(Type.String({ maxLength: 2048 })),
    webhook_url: Type.Optional(Type.String({ maxLength: 2048 })),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateJobBody = Static<typeof CreateJobBody>;

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type JobParams = Static<typeof JobParams>;
