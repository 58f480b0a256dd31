import nodemailer from 'nodemailer';
import { emailNotConfigured, type EmailMessage } from '../domain/destinations.js';
import type { DeliveryResult, HttpDelivery } from './httpDelivery.js';

/** Sends the messages of email destinations; the result has the shape of an HTTP delivery's. */
export interface EmailDelivery {
  /** Why email cannot be sent (neither SMTP nor Resend configured), or null. */
  readonly unavailable: string | null;
  send(message: EmailMessage, options: { deliveryId: string; timeoutMs: number }): Promise<DeliveryResult>;
  close(): Promise<void>;
}

export interface EmailDeliveryOptions {
  /** `smtp://user:pass@host:port`; the operator's own server, so not subject to the target policy. */
  smtpUrl?: string | undefined;
  from: string;
  /** Used when there is no SMTP URL. */
  resendApiKey?: string | undefined;
  resendApiUrl: string;
  /** Resend's API is called like any HTTP target, through the guarded client. */
  http: HttpDelivery;
}

/**
 * SMTP through one pooled nodemailer transport, created once; otherwise Resend's `POST /emails`.
 * Success means the SMTP server (or Resend) accepted the message.
 */
export function createEmailDelivery(options: EmailDeliveryOptions): EmailDelivery {
  const { smtpUrl, from, resendApiKey, http } = options;
  if (smtpUrl) return smtpDelivery(smtpUrl, from);
  if (resendApiKey) return resendDelivery(options.resendApiUrl.replace(/\/+$/, ''), resendApiKey, from, http);
  return {
    unavailable: emailNotConfigured,
    send: async () => ({ outcome: 'failed', statusCode: null, headers: null, body: null, error: `not sent: ${emailNotConfigured}`, startedAt: Date.now(), durationMs: 0 }),
    close: async () => {},
  };
}

function smtpDelivery(url: string, from: string): EmailDelivery {
  const transport = nodemailer.createTransport({
    pool: true,
    url,
    maxConnections: 5,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    // The job's timeout governs each message; this only ends a connection that went silent.
    socketTimeout: 5 * 60_000,
    logger: false,
  });

  async function send(message: EmailMessage, { deliveryId, timeoutMs }: { deliveryId: string; timeoutMs: number }): Promise<DeliveryResult> {
    const startedAt = Date.now();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const sending = transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        ...(message.html !== null ? { html: message.html } : {}),
        ...(message.text !== null ? { text: message.text } : {}),
        // The same for every attempt of one run, so a receiver can drop a duplicate.
        headers: { 'X-Kairos-Delivery-Id': deliveryId },
      });
      // A message abandoned at the timeout still settles later; its error must not go unhandled.
      sending.catch(() => {});
      const info = await Promise.race([sending, timedOut]);
      if (info === 'timeout') {
        return { outcome: 'timeout', statusCode: null, headers: null, body: null, error: `timed out after ${timeoutMs} ms`, startedAt, durationMs: elapsed() };
      }
      const code = Number.parseInt(info.response, 10);
      return {
        outcome: 'success',
        statusCode: Number.isInteger(code) ? code : null,
        headers: null,
        body: info.response,
        error: info.rejected.length > 0 ? `rejected recipients: ${info.rejected.map(String).join(', ')}` : null,
        startedAt,
        durationMs: elapsed(),
      };
    } catch (err) {
      const e = err as Error & { responseCode?: number; response?: string; code?: string };
      return {
        outcome: 'failed',
        statusCode: typeof e.responseCode === 'number' ? e.responseCode : null,
        headers: null,
        body: typeof e.response === 'string' ? e.response : null,
        error: `SMTP: ${e.code ? `${e.code}: ` : ''}${e.message}`,
        startedAt,
        durationMs: elapsed(),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    unavailable: null,
    send,
    close: async () => transport.close(),
  };
}

function resendDelivery(base: string, key: string, from: string, http: HttpDelivery): EmailDelivery {
  const url = new URL(`${base}/emails`);
  return {
    unavailable: null,
    send: (message, { deliveryId, timeoutMs }) =>
      http.deliver({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        followRedirects: false,
        headers: ['content-type', 'application/json', 'authorization', `Bearer ${key}`, 'idempotency-key', deliveryId],
        body: JSON.stringify({
          from,
          to: message.to,
          subject: message.subject,
          ...(message.html !== null ? { html: message.html } : {}),
          ...(message.text !== null ? { text: message.text } : {}),
        }),
        timeoutMs,
      }),
    close: async () => {},
  };
}
