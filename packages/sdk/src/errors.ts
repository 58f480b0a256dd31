/**
 * One field the server found wrong, as in `{ error: { details: [{ field, issue }] } }`.
 * @example
 * ```ts
 * const detail: ErrorDetail = { field: 'schedule.expression', issue: 'must be a valid cron expression' };
 * ```
 */
export interface ErrorDetail {
  /** The field's path in the request, e.g. `schedule.expression`. */
  field: string;
  /** What is wrong with it, in words. */
  issue: string;
}

/**
 * Any failure of a Kairos call: an error answer from the server (`status` 4xx/5xx, with the
 * server's `code`, `message` and `details`), or no answer at all (`status` 0: see
 * {@link ConnectionError}).
 *
 * @example
 * ```ts
 * try {
 *   await kairos.jobs.get('job_missing');
 * } catch (err) {
 *   if (err instanceof KairosError) console.error(err.status, err.code, err.message);
 * }
 * ```
 */
export class KairosError extends Error {
  override name = 'KairosError';
  /**
   * The HTTP status, or 0 when no answer came (network failure, timeout).
   * @example
   * ```ts
   * if (err.status >= 500) console.error('the server failed; the call was retried', err.status);
   * ```
   */
  readonly status: number;
  /**
   * The server's machine-readable code, e.g. `not_found`, `validation_failed`, `rate_limited`.
   * @example
   * ```ts
   * if (err.code === 'idempotency_conflict') console.error('that key was used with another body');
   * ```
   */
  readonly code: string;
  /**
   * Each invalid field, named as the server names it (`schedule.expression`, ...).
   * @example
   * ```ts
   * for (const { field, issue } of err.details) console.error(`${field}: ${issue}`);
   * ```
   */
  readonly details: ErrorDetail[];
  /**
   * The answer's headers, when there was an answer.
   * @example
   * ```ts
   * console.error(err.headers?.get('x-request-id'));
   * ```
   */
  readonly headers: Headers | undefined;

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = [], headers?: Headers, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/**
 * 400: the request could not be read (bad JSON, a malformed URL).
 * @example
 * ```ts
 * if (err instanceof BadRequestError) console.error('fix the request:', err.message);
 * ```
 */
export class BadRequestError extends KairosError {
  override name = 'BadRequestError';
}

/**
 * 401: no key or token, or one the server does not accept.
 * @example
 * ```ts
 * if (err instanceof AuthenticationError) console.error('set KAIROS_API_KEY');
 * ```
 */
export class AuthenticationError extends KairosError {
  override name = 'AuthenticationError';
}

/**
 * 403: the key lacks a scope, or the plan forbids it.
 * @example
 * ```ts
 * if (err instanceof PermissionError) console.error(err.details); // [{ field: 'scopes', ... }]
 * ```
 */
export class PermissionError extends KairosError {
  override name = 'PermissionError';
}

/**
 * 404: it does not exist, or belongs to another project.
 * @example
 * ```ts
 * const job = await kairos.jobs.get(id).catch((err) => (err instanceof NotFoundError ? null : Promise.reject(err)));
 * ```
 */
export class NotFoundError extends KairosError {
  override name = 'NotFoundError';
}

/**
 * 409: a state conflict (pausing a paused job, an idempotency key reused with another body ...).
 * @example
 * ```ts
 * if (err instanceof ConflictError) console.error('already in that state:', err.message);
 * ```
 */
export class ConflictError extends KairosError {
  override name = 'ConflictError';
}

/**
 * 413: the request body is too large.
 * @example
 * ```ts
 * if (err instanceof PayloadTooLargeError) console.error('payloads are at most 256 KiB');
 * ```
 */
export class PayloadTooLargeError extends KairosError {
  override name = 'PayloadTooLargeError';
}

/**
 * 422: one or more fields are invalid; `details` names each one.
 * @example
 * ```ts
 * if (err instanceof ValidationError) for (const d of err.details) console.error(d.field, d.issue);
 * ```
 */
export class ValidationError extends KairosError {
  override name = 'ValidationError';
}

/**
 * 429: over a rate limit. Retried on its own (see `maxRetries`); thrown once the retries are spent.
 * @example
 * ```ts
 * if (err instanceof RateLimitError) console.error(`try again in ${err.retryAfterMs} ms`);
 * ```
 */
export class RateLimitError extends KairosError {
  override name = 'RateLimitError';
  /**
   * What the server's `Retry-After` asked for, in milliseconds, when it sent one.
   * @example
   * ```ts
   * await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs ?? 1_000));
   * ```
   */
  get retryAfterMs(): number | undefined {
    return retryAfterMs(this.headers);
  }
}

/**
 * 500 and above: the server failed. Retried on its own where that is safe.
 * @example
 * ```ts
 * if (err instanceof InternalServerError) console.error('the server failed:', err.status);
 * ```
 */
export class InternalServerError extends KairosError {
  override name = 'InternalServerError';
}

/**
 * No answer: the connection failed or was refused (`status` 0, `code` `connection_error`).
 * @example
 * ```ts
 * if (err instanceof ConnectionError) console.error('is the server running?', err.cause);
 * ```
 */
export class ConnectionError extends KairosError {
  override name = 'ConnectionError';
}

/**
 * No answer within the request's timeout (`code` `timeout`).
 * @example
 * ```ts
 * await kairos.jobs.list({}, { timeoutMs: 2_000 }).catch((err) => err instanceof TimeoutError && console.error('slow server'));
 * ```
 */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}

/** The error class for an answer's status. */
export function errorFor(status: number, code: string, message: string, details: ErrorDetail[], headers: Headers): KairosError {
  const Class =
    status === 400 ? BadRequestError
    : status === 401 ? AuthenticationError
    : status === 403 ? PermissionError
    : status === 404 ? NotFoundError
    : status === 409 ? ConflictError
    : status === 413 ? PayloadTooLargeError
    : status === 422 ? ValidationError
    : status === 429 ? RateLimitError
    : status >= 500 ? InternalServerError
    : KairosError;
  return new Class(status, code, message, details, headers);
}

/** `Retry-After` as milliseconds: seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
