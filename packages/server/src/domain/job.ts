import type { JobDefinition } from './jobDefinition.js';
import type { JobStatus } from './jobState.js';

/**
 * A stored job as the use cases hand it to the doors: its definition (what a create asked for,
 * validated), with its payload parsed, and what it carries at run time; instants in epoch
 * milliseconds, secrets in full (each door masks what it shows). store/rows.ts decodes it from a
 * row; each door (the native `/v1`, each dialect) shows it its own way.
 */
export interface Job extends Omit<JobDefinition, 'tags' | 'payload'> {
  id: string;
  projectId: string;
  status: JobStatus;
  tags: readonly string[];
  /** The JSON payload, parsed; `undefined` (never a JSON value) when the job has none. */
  payload: unknown;
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
