/**
 * Checks a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against one or more of the project's signing secrets (`whsec_…`). During a
 * rotation a delivery carries one signature per live secret, and passing both the old and the new
 * secret accepts it either way. Resolves with the parsed JSON body (or the text, when it is not
 * JSON); rejects with a {@link WebhookVerificationError} when no signature matches, a header is
 * missing, or the timestamp is more than `toleranceSeconds` (300) away from now.
 *
 * @example
 * ```ts
 * // In a receiver: `body` is the raw request body text, `headers` the request's headers.
 * const payload = await verifyWebhook(body, headers, [process.env.KAIROS_SIGNING_SECRET]);
 * ```
 */
export async function verifyWebhook(
  body: string | Uint8Array,
  headers: Headers | Record<string, string | string[] | undefined>,
  secrets: string | readonly string[],
  options: { toleranceSeconds?: number; now?: Date } = {},
): Promise<unknown> {
  const header = (name: string): string | undefined => {
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const record = headers as Record<string, string | string[] | undefined>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    const value = key === undefined ? undefined : record[key];
    return Array.isArray(value) ? value.join(' ') : value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature header');
  const seconds = Number(timestamp);
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (!Number.isInteger(seconds) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('the webhook-timestamp is too far from now (a replay of an old delivery?)');
  }
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${text}`);
  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => value!);
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const raw = fromBase64(secret.replace(/^whsec_/, ''));
    if (raw.length === 0) throw new WebhookVerificationError('a secret is not a "whsec_" followed by base64');
    const key = await globalThis.crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const signature of given) {
      // subtle.verify compares in constant time.
      if (await globalThis.crypto.subtle.verify('HMAC', key, fromBase64(signature), signed)) return parse(text);
    }
  }
  throw new WebhookVerificationError('no signature matches the given secrets');
}

/**
 * A delivery whose signature does not check out.
 * @example
 * ```ts
 * try { await verifyWebhook(body, headers, secret); } catch (err) { if (err instanceof WebhookVerificationError) res.statusCode = 400; }
 * ```
 */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return new Uint8Array(0);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
