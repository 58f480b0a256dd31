import type { HttpMethod } from './jobDefinition.js';
import type { DeliveryStyle } from './deliveryStyle.js';
import type { Destination } from './destinations.js';
import type { JobStatus } from './jobState.js';
import type { RetryPolicy } from './retry.js';
import type { Schedule } from './schedule.js';

/**
 * A stored job as the use cases hand it to the doors: its structured fields parsed, instants in
 * epoch milliseconds, secrets in full (each door masks what it shows). store/rows.ts reads it
 * from a row and writes it back; each door (the native `/v1`, each dialect) shows it its own way.
 */
export interface Job {
  id: string;
  projectId: string;
  name: string | null;
  description: string | null;
  status: JobStatus;
  tags: readonly string[];
  spaceId: string | null;
  /** Empty when the job has a destination instead. */
  url: string;
  /** A built-in destination, secrets included; null for a URL job. */
  destination: Destination | null;
  method: HttpMethod;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The string body; null when the job has a payload or no body. */
  body: string | null;
  /** The JSON payload, parsed; `undefined` (never a JSON value) when the job has none. */
  payload: unknown;
  schedule: Schedule;
  retryPolicy: RetryPolicy;
  timeoutMs: number;
  storeResponseBody: boolean;
  followRedirects: boolean;
  onComplete: string | null;
  callbackUrl: string | null;
  failureCallbackUrl: string | null;
  eventsUrl: string | null;
  /** How its requests are dressed (domain/deliveryStyle.ts); null for Kairos's own style. */
  deliveryStyle: DeliveryStyle | null;
  /** The job whose `onComplete` made this one. */
  parentJobId: string | null;
  /** The inbound webhook whose request made it. */
  inboundWebhookId: string | null;
  pausedBy: 'user' | 'space' | null;
  revision: number;
  consecutiveFailures: number;
  /** JSON text the target last set (`$state`), and of the last attempt's result (`$previous`); opaque here. */
  state: string | null;
  previousResult: string | null;
  /** The instant its earliest outstanding run is due; null when none is owed. */
  nextRunAt: number | null;
  lastRunAt: number | null;
  lastStatus: string | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  createdAt: number;
  updatedAt: number;
}
