import { type Static, Type } from 'typebox';
import { maxPage } from '../../v1/schemas/common.js';

// Request shapes of Donutwork's Job Runner API (seed 002). Types only; the rules are the
// service's. Hidden from the native OpenAPI document.

export const ListQuery = Type.Object(
  {
    size: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

/** A field a client may send as null for "not given". */
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const CreateBody = Type.Object(
  {
    jobrunner: Type.Object(
      {
        title: OrNull(Type.String({ maxLength: 255 })),
        method: OrNull(Type.String({ maxLength: 16 })),
        url: Type.String({ minLength: 1, maxLength: 2048 }),
        content_type: OrNull(Type.String({ maxLength: 255 })),
        body: OrNull(Type.String()),
        schedulation: Type.Array(Type.String(), { minItems: 1, maxItems: 48 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CreateBody = Static<typeof CreateBody>;

export const RunParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type RunParams = Static<typeof RunParams>;

/** `<id>.json`: the id with Donutwork's extension. */
export const FileParams = Type.Object({ file: Type.String({ minLength: 1, maxLength: 70 }) });
export type FileParams = Static<typeof FileParams>;
