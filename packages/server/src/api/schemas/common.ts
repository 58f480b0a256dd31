import { Type, type Static } from 'typebox';

export const Pagination = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    perPage: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
export type Pagination = Static<typeof Pagination>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;
