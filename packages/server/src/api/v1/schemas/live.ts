import { type Static, Type } from 'typebox';
import { previewLimits, upcomingLimits } from '../../../service/schedulePreview.js';
import { Timestamp } from './common.js';

const ScheduleInput = Type.Object(
  { type: Type.Union([Type.Literal('once'), Type.Literal('cron'), Type.Literal('interval'), Type.Literal('preset'), Type.Literal('weekly'), Type.Literal('daily')]) },
  { additionalProperties: true, description: 'Any schedule form POST /v1/jobs takes: once {at|delay}, cron {expression}, interval {every}, preset {preset}, weekly {day, hour, minute}, daily {times}; recurring forms take timezone' },
);

export const SchedulePreviewBody = Type.Object(
  {
    schedule: ScheduleInput,
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: previewLimits.maxCount, default: previewLimits.defaultCount, description: 'How many occurrences' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Preview as if the job were created at this instant; now by default' })),
  },
  { additionalProperties: false },
);
export type SchedulePreviewBody = Static<typeof SchedulePreviewBody>;

export const SchedulePreview = Type.Object({
  description: Type.String({ description: 'The schedule in plain words, e.g. "every weekday at 09:00 (Europe/Berlin)"' }),
  timezone: Type.String({ description: 'The time zone it is evaluated in (UTC for a one-time schedule)' }),
  occurrences: Type.Array(Timestamp, { description: 'The next runs a job created at `from` would have, earliest first' }),
});

export const UpcomingRunsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Window start; now by default' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Window end (exclusive); from + 24 h by default; at most 31 days after from' })),
    limit: Type.Integer({ minimum: 1, maximum: upcomingLimits.maxLimit, default: upcomingLimits.defaultLimit }),
    jobId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Only this job's occurrences" })),
  },
  { additionalProperties: false },
);
export type UpcomingRunsQuery = Static<typeof UpcomingRunsQuery>;

export const UpcomingRuns = Type.Object(
  {
    data: Type.Array(Type.Object({ jobId: Type.String(), jobName: Type.Union([Type.String(), Type.Null()]), at: Timestamp })),
    meta: Type.Object({ from: Timestamp, to: Timestamp, truncated: Type.Boolean({ description: 'More occurrences lie in the window than `limit`' }) }),
  },
  { description: 'Occurrences of every active job in the window, earliest first, those of one instant by job id' },
);

export const StreamToken = Type.Object({
  token: Type.String({ description: 'Good only for GET /v1/stream?token=…' }),
  expiresAt: Timestamp,
});

export const StreamQuery = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'A stream token, for clients that cannot send an Authorization header (EventSource)' })),
    jobId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Only this job's attempts and changes" })),
    lastEventId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Same as the Last-Event-ID header' })),
  },
  { additionalProperties: false },
);
export type StreamQuery = Static<typeof StreamQuery>;
