import { Type, type Static } from 'typebox';
import { alertChannelLimits, alertChannelTypes } from '../../../domain/alertChannel.js';
import { alertEvents, alertRuleLimits } from '../../../domain/alertRule.js';
import { nullable, StringEnum, Timestamp, PageFields } from './common.js';

// Shapes and types are checked here; what a config must hold per type is domain/alertChannel.ts's
// check, so that a missing `config.webhookUrl` is named the same way for every client.

const channelConfig = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'slack, discord {webhookUrl}; email {addresses: [1–20]}; webhook {url, headers?, format? (kairos|justrun), secret?}; telegram {botToken, chatId}',
  },
);

export const CreateAlertChannelBody = Type.Object(
  {
    type: StringEnum(alertChannelTypes),
    name: Type.String({ minLength: 1, maxLength: alertChannelLimits.nameLength }),
    config: channelConfig,
  },
  { additionalProperties: false },
);
export type CreateAlertChannelBody = Static<typeof CreateAlertChannelBody>;

export const PatchAlertChannelBody = Type.Object(
  {
    type: Type.Optional(StringEnum(alertChannelTypes)),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: alertChannelLimits.nameLength })),
    config: Type.Optional(channelConfig),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchAlertChannelBody = Static<typeof PatchAlertChannelBody>;

export const AlertChannel = Type.Object({
  id: Type.String({ description: 'ch_…' }),
  type: StringEnum(alertChannelTypes),
  name: Type.String(),
  config: Type.Object(
    {
      webhookUrl: Type.Optional(Type.String({ description: 'slack, discord; masked: the origin and the last characters' })),
      url: Type.Optional(Type.String({ description: 'webhook; masked like webhookUrl' })),
      headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'webhook; values masked' })),
      addresses: Type.Optional(Type.Array(Type.String(), { description: 'email' })),
      format: Type.Optional(Type.String({ description: 'webhook: the envelope and signature it receives, kairos (default) or justrun' })),
      secret: Type.Optional(Type.String({ description: 'webhook: the key of the X-JustRun-Signature HMAC; masked' })),
      botToken: Type.Optional(Type.String({ description: 'telegram; masked' })),
      chatId: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'integer'], description: 'telegram' })),
    },
    { description: "The type's settings, secrets masked" },
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const TestSendResult = Type.Object({
  delivered: Type.Boolean({ description: 'The far end accepted the notice (a 2xx, or the SMTP server took it)' }),
  statusCode: nullable(Type.Integer({ description: 'HTTP status, or the SMTP reply code' })),
  response: nullable(Type.String({ description: 'The start of what the far end answered' })),
  error: nullable(Type.String()),
});

const l = alertRuleLimits;
const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: l.nameLength }),
  channelIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: l.channels.min, maxItems: l.channels.max, description: 'ch_… of this project' }),
  jobId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'Only this job (at most one of jobId, spaceId, tag)' }),
  spaceId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: "Only this space's jobs" }),
  tag: Type.Union([Type.String({ minLength: 1, maxLength: l.tagLength }), Type.Null()], { description: 'Only jobs with this tag' }),
  events: Type.Array(StringEnum(alertEvents), { minItems: 1, maxItems: alertEvents.length, description: 'Default job.failed, job.recovered' }),
  consecutiveFailuresThreshold: Type.Integer({ minimum: l.threshold.min, maximum: l.threshold.max, description: 'Failures in a row before job.failed fires (default 1)' }),
  cooldownMinutes: Type.Integer({ minimum: l.cooldownMinutes.min, maximum: l.cooldownMinutes.max, description: 'Minutes between repeat notices (default 60)' }),
  enabled: Type.Boolean(),
};

export const CreateAlertRuleBody = Type.Object(
  {
    name: ruleFields.name,
    channelIds: ruleFields.channelIds,
    jobId: Type.Optional(ruleFields.jobId),
    spaceId: Type.Optional(ruleFields.spaceId),
    tag: Type.Optional(ruleFields.tag),
    events: Type.Optional(ruleFields.events),
    consecutiveFailuresThreshold: Type.Optional(ruleFields.consecutiveFailuresThreshold),
    cooldownMinutes: Type.Optional(ruleFields.cooldownMinutes),
    enabled: Type.Optional(ruleFields.enabled),
  },
  { additionalProperties: false },
);
export type CreateAlertRuleBody = Static<typeof CreateAlertRuleBody>;

/** Any of the create fields; naming one of jobId, spaceId and tag replaces the rule's scope. */
export const PatchAlertRuleBody = Type.Partial(CreateAlertRuleBody, { additionalProperties: false, minProperties: 1 });
export type PatchAlertRuleBody = Static<typeof PatchAlertRuleBody>;

export const AlertRule = Type.Object({
  id: Type.String({ description: 'alr_…' }),
  name: Type.String(),
  channelIds: Type.Array(Type.String()),
  jobId: nullable(Type.String()),
  spaceId: nullable(Type.String()),
  tag: nullable(Type.String()),
  events: Type.Array(StringEnum(alertEvents)),
  consecutiveFailuresThreshold: Type.Integer(),
  cooldownMinutes: Type.Integer(),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const NoticeQuery = Type.Object(
  {
    ...PageFields,
    status: Type.Optional(StringEnum(['pending', 'delivered', 'failed'])),
    jobId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type NoticeQuery = Static<typeof NoticeQuery>;

/** One notice as api/v1/views.ts `alertNoticeView` returns it. */
export const AlertNotice = Type.Object({
  id: Type.String({ description: 'msg_…; the webhook-id of a webhook channel’s delivery' }),
  event: StringEnum([...alertEvents]),
  ruleId: nullable(Type.String()),
  channelId: nullable(Type.String()),
  jobId: nullable(Type.String()),
  consecutiveFailures: Type.Integer(),
  statusCode: nullable(Type.Integer({ description: 'What the job’s target answered' })),
  error: nullable(Type.String({ description: 'The job’s error' })),
  status: StringEnum(['pending', 'delivered', 'failed'], { description: 'pending: not sent yet or to be retried; failed: every attempt failed' }),
  attempts: Type.Integer(),
  lastAttempt: nullable(
    Type.Object({
      statusCode: nullable(Type.Integer({ description: 'What the channel answered' })),
      error: nullable(Type.String()),
      response: nullable(Type.String()),
      at: Timestamp,
    }),
  ),
  nextAttemptAt: nullable(Timestamp),
  createdAt: Timestamp,
});
