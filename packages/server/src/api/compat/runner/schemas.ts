import { type Static, Type } from 'typebox';
import { maxPage } from '../../v1/schemas/common.js';

// Request shapes of Runner's REST API (seed 000, "Create-job fields"). Types only: the rules
// (one of url/destination, one of runAt/runEvery, future instants…) are the service's, reached
// through translate.ts. Hidden from the native OpenAPI document, which feeds the SDK.

/** A field a client may send as null for "not given", as JavaScript's `if (body.url)` reads it. */
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** Every field is optional as far as types go; which are required is said by translate.ts. */
export const CreateJobBody = Type.Object(
  {
    url: OrNull(Type.String({ maxLength: 2048 })),
    destination: OrNull(Type.Object({ type: Type.String() }, { additionalProperties: true })),
    // An ISO string or epoch ms; a preset or { day, hour, minute }. Left open here so that the
    // service's checks, which name the wrong part (runEvery.hour…), answer a wrong type too.
    runAt: Type.Optional(Type.Unknown()),
    runEvery: Type.Optional(Type.Unknown()),
    timezone: OrNull(Type.String({ maxLength: 64 })),
    payload: OrNull(Type.Object({}, { additionalProperties: true })),
    onComplete: OrNull(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);
export type CreateJobBody = Static<typeof CreateJobBody>;

export const JobParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 64 }) });
export type JobParams = Static<typeof JobParams>;

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) });
export type SlugParams = Static<typeof SlugParams>;

export const ListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;
