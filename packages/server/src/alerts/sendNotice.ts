import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { destinationHttpRequest } from '../domain/destinations.js';
import type { AlertChannel } from '../domain/records.js';
import type { EmailDelivery } from '../delivery/email.js';
import type { DeliveryRequest, DeliveryResult, HttpDelivery } from '../delivery/httpDelivery.js';
import { signingKey, webhookSignature } from '../delivery/signature.js';
import type { Dialect } from '../store/dialect.js';
import { decodeAlertChannel } from '../store/rows.js';
import type { AlertChannelRow, OutboxRow } from '../store/schema.js';
import { getAlertChannel } from '../store/sql/alertChannels.js';
import type { Executor } from '../store/sql/executor.js';
import { liveSigningSecrets } from '../store/sql/signingSecrets.js';
import { type Notice, noticeExcerptLength, renderDiscordContent, renderEmail, renderSlackText, renderJustRunEnvelope, renderTelegramText, renderWebhookEnvelope } from './notice.js';

export interface SendNoticeDeps {
  delivery: HttpDelivery;
  email: EmailDelivery;
  /** Bot API base (KAIROS_TELEGRAM_API_URL). */
  telegramApiUrl: string;
  userAgent: string;
  /** Where the project's signing secrets are read, for `webhook` channels. */
  db: Executor;
  dialect: Dialect;
  logger: Logger;
}

export interface SendNoticeResult {
  /** The far end accepted it: a 2xx, or an SMTP server's acceptance. */
  delivered: boolean;
  statusCode: number | null;
  /** The start of what the far end answered. */
  response: string | null;
  error: string | null;
}

/** How long one notice may take; a channel that hangs must not hold a worker or a test request longer. */
export const noticeTimeoutMs = 10_000;

/**
 * Renders one notice for one channel and sends it once; retrying is the caller's business.
 * Never throws for a far end's failure: the result says what happened. Secrets (webhook URLs,
 * bot tokens, header values) are never logged.
 */
export async function sendNotice(deps: SendNoticeDeps, channel: AlertChannelRow, notice: Notice): Promise<SendNoticeResult> {
  const target = decodeAlertChannel(channel);
  let result: DeliveryResult;
  try {
    result = target.type === 'email' ? await sendEmail(deps, target, notice) : await deps.delivery.deliver(await httpRequest(deps, channel.project_id, target, notice));
  } catch (err) {
    // The database read of signing secrets, or a bug: reported like a failed delivery so the caller can retry.
    deps.logger.warn({ channelId: target.id, type: target.type, err: (err as Error).message }, 'alert notice not sent');
    return { delivered: false, statusCode: null, response: null, error: (err as Error).message };
  }
  const response = result.body === null ? null : result.body.length > noticeExcerptLength ? `${result.body.slice(0, noticeExcerptLength)}…` : result.body;
  return { delivered: result.outcome === 'success', statusCode: result.statusCode, response, error: result.error };
}

function sendEmail(deps: SendNoticeDeps, channel: Extract<AlertChannel, { type: 'email' }>, notice: Notice): Promise<DeliveryResult> {
  const { subject, text, html } = renderEmail(notice);
  return deps.email.send({ to: channel.config.addresses, subject, text, html }, { deliveryId: notice.id, timeoutMs: noticeTimeoutMs });
}

/** `projectId`: the channel's project, whose signing secrets sign a `webhook` channel's notices. */
async function httpRequest(deps: SendNoticeDeps, projectId: string, channel: Exclude<AlertChannel, { type: 'email' }>, notice: Notice): Promise<DeliveryRequest> {
  const base = { method: 'POST', timeoutMs: noticeTimeoutMs, followRedirects: false };
  const json = ['user-agent', deps.userAgent, 'content-type', 'application/json'];
  if (channel.type === 'webhook') {
    const url = new URL(channel.config.url);
    const justRun = channel.config.format === 'justrun';
    const envelope = justRun ? renderJustRunEnvelope(notice) : renderWebhookEnvelope(notice);
    const body = JSON.stringify(envelope);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = [...json];
    // The channel's own headers may replace the defaults; the signature headers stay Kairos's.
    for (const [name, value] of Object.entries(channel.config.headers)) {
      const at = headers.findIndex((h, i) => i % 2 === 0 && h === name.toLowerCase());
      if (at >= 0) headers.splice(at, 2);
      headers.push(name, value);
    }
    // As every message Kairos sends a URL of the project's: receivers route on `kairos-event`.
    headers.push('webhook-id', notice.id, 'webhook-timestamp', timestamp, 'kairos-event', envelope.type);
    if (justRun && channel.config.secret !== undefined) headers.push('x-justrun-signature', `sha256=${createHmac('sha256', channel.config.secret).update(body).digest('hex')}`);
    const secrets = await liveSigningSecrets(deps.db, deps.dialect, [projectId], Date.now());
    if (secrets.length > 0) headers.push('webhook-signature', webhookSignature(secrets.map((s) => signingKey(s.secret)), notice.id, timestamp, body));
    return { ...base, origin: url.origin, path: `${url.pathname}${url.search}`, headers, body };
  }
  const destination = channel.type === 'telegram' ? { type: 'telegram' as const, ...channel.config } : { type: channel.type, webhookUrl: channel.config.webhookUrl };
  const text = channel.type === 'slack' ? renderSlackText(notice) : channel.type === 'discord' ? renderDiscordContent(notice) : renderTelegramText(notice);
  const request = destinationHttpRequest(destination, { text }, deps.telegramApiUrl);
  const url = new URL(request.url);
  // Discord would turn an @everyone quoted from a failing target's response into a ping.
  const body = channel.type === 'discord' ? JSON.stringify({ content: text, allowed_mentions: { parse: [] } }) : request.body;
  return { ...base, origin: url.origin, path: `${url.pathname}${url.search}`, headers: json, body };
}

/**
 * Sends the alert notices the engine wrote to the outbox: each names its channel, read afresh so
 * a changed config applies; a notice whose channel was deleted meanwhile is given up at once.
 */
export function alertSender(deps: SendNoticeDeps): (message: OutboxRow) => Promise<SendNoticeResult & { giveUp?: boolean }> {
  return async (message) => {
    const channel = message.channel_id === null ? undefined : await getAlertChannel(deps.db, message.project_id, message.channel_id);
    if (!channel) return { delivered: false, statusCode: null, response: null, error: 'the alert channel was deleted', giveUp: true };
    return sendNotice(deps, channel, JSON.parse(message.body) as Notice);
  };
}
