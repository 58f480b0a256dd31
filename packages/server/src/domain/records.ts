import type { AlertChannelTarget } from './alertChannel.js';
import type { AlertEvent, AlertRuleSpec } from './alertRule.js';
import type { Scope } from './scope.js';

/**
 * What the use cases return besides jobs (domain/job.ts): each stored thing as the domain knows
 * it, instants in epoch milliseconds, structured values parsed, secrets in full where the thing
 * has them. store/rows.ts reads them from rows; each door shows them its own way.
 */

/** What made a run: its schedule, a caller's "run now", or a replay of an attempt. */
export type TriggeredBy = 'schedule' | 'manual' | 'replay';

/** `quota_exceeded`: not delivered, the project had used its plan's runs for the day or month. */
export type ExecutionStatus = 'success' | 'failed' | 'timeout' | 'dead_letter' | 'quota_exceeded';

/** One delivery attempt. */
export interface Execution {
  id: string;
  jobId: string;
  runId: string;
  deliveryId: string;
  attempt: number;
  triggeredBy: TriggeredBy;
  replayOf: string | null;
  status: ExecutionStatus;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  scheduledFor: number;
  startedAt: number;
  completedAt: number;
  responseHeaders: Record<string, string | string[]> | null;
  responseBody: string | null;
  /** The request sent (its first 100 KiB of body); null for an attempt that sent none. */
  request: { method: string; url: string | null; headers: Record<string, string>; body: string | null } | null;
}

/** A run just made to be delivered at once (run now, replay), before its first attempt. */
export interface PendingRun {
  runId: string;
  jobId: string;
  deliveryId: string;
  triggeredBy: Extract<TriggeredBy, 'manual' | 'replay'>;
  replayOf: string | null;
  scheduledFor: number;
}

export interface Project {
  id: string;
  name: string;
  createdAt: number;
  /** Anyone who knows a job's id may see its status and uptime badges. */
  badgesEnabled: boolean;
  /** Where the project's job events are sent; null for nowhere. */
  eventsUrl: string | null;
}

/** An account, without its password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
  updatedAt: number;
}

/** An API key as stored: never the key, only its prefix and last four characters. */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  scopes: Scope[];
  lastUsedAt: number | null;
  createdAt: number;
}

/** A folder of jobs, with how many of them there are and how they stand. */
export interface Space {
  id: string;
  name: string;
  timezone: string;
  jobCount: number;
  activeJobCount: number;
  pausedJobCount: number;
  createdAt: number;
  updatedAt: number;
}

/** A project's secret for signing deliveries, in full. */
export interface SigningSecret {
  id: string;
  secret: string;
  lastFour: string;
  createdAt: number;
  expiresAt: number | null;
}

/** A public URL whose JSON POSTs each become a one-time job; the slug and secret are its credentials. */
export interface InboundWebhook {
  id: string;
  slug: string;
  name: string | null;
  targetUrl: string;
  method: string;
  headers: Record<string, string>;
  delayMs: number;
  secret: string | null;
  createdAt: number;
}

/** Where alert notices go, its config's secrets in full. */
export type AlertChannel = AlertChannelTarget & {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
};

/** Which outcomes notify which channels, as stored. */
export interface AlertRule extends AlertRuleSpec {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** An alert notice: what it said, where it went, how its delivery went so far. */
export interface AlertNotice {
  id: string;
  event: AlertEvent;
  ruleId: string | null;
  channelId: string | null;
  jobId: string | null;
  consecutiveFailures: number;
  statusCode: number | null;
  error: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastResponse: string | null;
  dueAt: number;
  createdAt: number;
  updatedAt: number;
}
