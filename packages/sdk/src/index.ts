export { Kairos, defaultBaseUrl, type KairosOptions } from './client.js';
export { Page, PagePromise } from './core/pagination.js';
export type { RequestOptions, SessionTokens } from './core/transport.js';
export {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  KairosError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type ErrorDetail,
} from './errors.js';
export type { StreamEvent, StreamOptions } from './resources/executions.js';
export { detectImportFormat, type DetectedImport, type DetectedImportFormat } from './importFormat.js';
export { toCreateJob, type ScheduleInput, type WeeklySlot } from './schedule.js';
export { verifyWebhook, WebhookVerificationError } from './webhooks.js';
export type * from './types.js';
