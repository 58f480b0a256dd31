import { Type, type Static } from 'typebox';
import { PageFields } from './common.js';

export const ExecutionListQuery = Type.Object(
  {
    ...PageFields,
    jobId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(Type.Union(['success', 'failed', 'timeout', 'dead_letter', 'quota_exceeded'].map((s) => Type.Literal(s)))),
    triggeredBy: Type.Optional(Type.Union(['schedule', 'manual', 'replay'].map((s) => Type.Literal(s)))),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'started at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'started before' })),
  },
  { additionalProperties: false },
);
export type ExecutionListQuery = Static<typeof ExecutionListQuery>;
