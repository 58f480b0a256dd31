import { createHmac } from 'node:crypto';

/** The key a `whsec_<base64>` secret stands for (Standard Webhooks). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * The `webhook-signature` header value: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * for each key, space-separated.
 */
export function webhookSignature(keys: readonly Buffer[], id: string, timestamp: string, body: string): string {
  let out = '';
  for (const key of keys) {
    const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
    out += out === '' ? `v1,${mac}` : ` v1,${mac}`;
  }
  return out;
}

/**
 * Runner's `X-Runner-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the secret's text exactly as it was shown (its UTF-8 bytes, `whsec_` and all), which
 * is what Runner's documented verify() feeds to createHmac.
 */
export function runnerSignature(secretText: Buffer, timestamp: string, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secretText).update(`${timestamp}.`).update(body).digest('hex')}`;
}
