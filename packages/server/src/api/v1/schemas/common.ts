import { type Static, type TSchema, Type } from 'typebox';

/**
 * The highest page a list serves: with 100 a page, a billion rows, more than any list holds, and
 * an offset every database takes (a larger page, `Infinity` or `1e309` is a 422 naming `page`).
 */
export const maxPage = 10_000_000;

/** The paging fields of every list's query string. */
export const PageFields = {
  page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }),
  perPage: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};

export const Pagination = Type.Object(PageFields, { additionalProperties: false });
export type Pagination = Static<typeof Pagination>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

/**
 * Response shapes. Fastify serializes a response with its schema (fast-json-stringify), which
 * drops any property the schema does not list: a response schema must name every field its view
 * returns. Nullable fields are written as type arrays, which the serializer handles without
 * trying a union's branches one by one.
 */
export const nullable = <T extends TSchema>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, type: [(schema as unknown as { type: string }).type, 'null'] });

/** A string from a fixed list, as one `enum` rather than a union of constants. */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601, UTC' });

export const FieldIssue = Type.Object({ field: Type.String(), issue: Type.String() });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'bad_request, validation_failed, unauthorized, forbidden, registration_closed, not_found, conflict, payload_too_large, rate_limited, internal…' }),
      message: Type.String(),
      details: Type.Array(FieldIssue),
    }),
  },
  { description: 'An error' },
);

export const PageMeta = Type.Object({ page: Type.Integer(), perPage: Type.Integer(), total: Type.Integer() });

/** `{ data }` */
export const Data = <T extends TSchema>(data: T, description = 'Success') => Type.Object({ data }, { description });

/** `{ data: [...], meta: { page, perPage, total } }` */
export const Paged = <T extends TSchema>(item: T, description = 'One page') => Type.Object({ data: Type.Array(item), meta: PageMeta }, { description });

/** A 204: the handler sends nothing (`reply.send()`), which the type provider reads as `undefined`. */
export const NoContent = Type.Unsafe<undefined>(Type.Null({ description: 'No content' }));

/** Every failure a client can cause leaves as the error envelope. */
export const clientErrors = { '4xx': ErrorBody } as const;
