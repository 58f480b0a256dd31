import type { ErrorCode } from '../domain/errors.js';

/**
 * The HTTP status of each service error code, as every door of this server answers it; a dialect
 * may map the status on to its own (compat/door.ts's `DialectErrors.status`).
 */
const statuses: Record<ErrorCode, number> = {
  max_jobs_exceeded: 403,
  max_retries_exceeded: 403,
  max_timeout_exceeded: 403,
  max_alert_configs_exceeded: 403,
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  registration_closed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const httpStatusOf = (code: ErrorCode): number => statuses[code];
