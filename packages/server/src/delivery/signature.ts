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
