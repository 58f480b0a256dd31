/** One problem with one input field; `field` is a dotted path such as `schedule.expression`. */
export interface FieldIssue {
  field: string;
  issue: string;
}

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'registration_closed'
  | 'max_jobs_exceeded'
  | 'max_retries_exceeded'
  | 'max_timeout_exceeded'
  | 'max_alert_configs_exceeded'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/**
 * An error a caller can act on, named by its code. Thrown by the service layer; each door renders
 * it in its own shape, with the HTTP status it gives the code (api/httpStatus.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }

  static validation(details: FieldIssue[]): AppError {
    const first = details[0];
    const message = first ? `${first.field}: ${first.issue}` : 'The request is not valid.';
    return new AppError('validation_failed', message, details);
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }
}

/** A computation that either yields a value or lists what was wrong with its input. */
export type Result<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (field: string, issue: string): Result<never> => ({ ok: false, issues: [{ field, issue }] });
