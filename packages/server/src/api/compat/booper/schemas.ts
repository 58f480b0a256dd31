import { type Static, Type } from 'typebox';

// Request shapes of Booper's `POST /api/jobs` (seed 004, "Body"). Types only: the rules are the
// service's, reached through translate.ts. Hidden from the native OpenAPI document.

/** A field a client may send as nil for "not given", as its Phoenix changeset reads it. */
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const CreateJobBody = Type.Object(
  {
    method: OrNull(Type.String()),
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    query: OrNull(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    body: Type.Optional(Type.Unknown()),
    headers: OrNull(Type.Record(Type.String(), Type.String())),
    // Seconds or [n, unit]; a datetime string or Unix seconds. Open here: translate.ts says
    // what is wrong with any other value in Booper's own terms.
    schedule_in: Type.Optional(Type.Unknown()),
    scheduled_at: Type.Optional(Type.Unknown()),
    repeat_every: Type.Optional(Type.Unknown()),
    cron: OrNull(Type.String({ maxLength: 256 })),
    idempotency_key: OrNull(Type.String({ minLength: 1, maxLength: 255 })),
    callback_url: OrNull(Type.String({ maxLength: 2048 })),
    webhook_url: OrNull(Type.String({ maxLength: 2048 })),
    name: OrNull(Type.String({ maxLength: 255 })),
    description: OrNull(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateJobBody = Static<typeof CreateJobBody>;

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type JobParams = Static<typeof JobParams>;
