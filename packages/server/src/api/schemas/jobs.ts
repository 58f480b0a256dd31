import { Type, type Static } from 'typebox';
import { httpMethods, limits } from '../../domain/jobDefinition.js';

/**
 * The native job body. Types and shapes are checked here; the schedule and retry policy are
 * compiled by domain/ so that every calendar rule lives in one place.
 */
export const CreateJobBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: limits.nameLength })),
    url: Type.String({ minLength: 1, maxLength: limits.urlLength }),
    method: Type.Optional(Type.String({ description: httpMethods.join(' | ') })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    query: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    body: Type.Optional(Type.String()),
    payload: Type.Optional(Type.Unknown()),
    schedule: Type.Object(
      { type: Type.Union([Type.Literal('once'), Type.Literal('cron'), Type.Literal('interval'), Type.Literal('preset'), Type.Literal('weekly'), Type.Literal('daily')]) },
      { additionalProperties: true, description: 'once {at|delay}, cron {expression}, interval {every}, preset {preset}, weekly {day, hour, minute}, daily {times}; recurring forms take timezone' },
    ),
    retryPolicy: Type.Optional(Type.Object({}, { additionalProperties: true })),
    timeoutMs: Type.Optional(Type.Integer()),
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
