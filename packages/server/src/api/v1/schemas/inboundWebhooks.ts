import { type Static, Type } from 'typebox';
import { inboundMethods, maxInboundDelayMs } from '../../../service/inboundWebhooks.js';
import { nullable, StringEnum, Timestamp } from './common.js';

export const CreateInboundWebhookBody = Type.Object(
  {
    targetUrl: Type.String({ minLength: 1, maxLength: 2048, description: 'Where each posted payload is sent (public addresses only)' }),
    method: Type.Optional(StringEnum(inboundMethods, { description: 'Default POST' })),
    headers: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 8192 }), { maxProperties: 50 })),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: maxInboundDelayMs, description: 'How long after it arrives a payload is sent on; default 0' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    secret: Type.Optional(
      Type.String({ minLength: 16, maxLength: 256, description: 'When set, requests must carry x-kairos-signature: sha256=<hex HMAC-SHA256 of the body>' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateInboundWebhookBody = Static<typeof CreateInboundWebhookBody>;

export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) });
export type SlugParams = Static<typeof SlugParams>;

// Response shapes of the views in api/v1/views.ts; every field listed, or serialization drops it.
export const InboundWebhook = Type.Object({
  id: Type.String({ description: 'ibw_…' }),
  slug: Type.String({ description: 'wh_…: the secret part of the URL' }),
  url: Type.String({ description: 'Where to POST JSON; no API key needed' }),
  name: nullable(Type.String()),
  targetUrl: Type.String(),
  method: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  delayMs: Type.Integer(),
  hasSecret: Type.Boolean({ description: 'Whether requests must be signed (the secret is never returned)' }),
  createdAt: Timestamp,
});

export const InboundAccepted = Type.Object({
  jobId: Type.String({ description: 'The one-time job made from the request' }),
  scheduledFor: nullable(Timestamp),
});

export const InboundRequest = Type.Object({
  jobId: Type.String({ description: 'The one-time job the request became' }),
  receivedAt: Timestamp,
  payload: Type.Unknown({ description: 'The JSON that was posted' }),
  jobStatus: StringEnum(['active', 'paused', 'completed', 'failed', 'cancelled'], { description: 'active: its delivery is still to come (or being retried)' }),
  scheduledFor: nullable(Timestamp),
  deliveredAt: nullable(Timestamp),
  lastStatus: nullable(Type.String({ description: "The last delivery attempt's status" })),
  lastStatusCode: nullable(Type.Integer()),
});
