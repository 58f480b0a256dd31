import type { JobStatus } from '../domain/jobState.js';
import type { ExecutionStatus, TriggeredBy } from '../domain/records.js';

/**
 * The database rows: the one definition of what is stored. Instants are epoch milliseconds
 * (bigint), structured values are JSON text, so both SQLite and PostgreSQL hold them alike.
 */
export interface Database {
  users: UserRow;
  projects: ProjectRow;
  api_keys: ApiKeyRow;
  refresh_tokens: RefreshTokenRow;
  settings: SettingRow;
  spaces: SpaceRow;
  jobs: JobRow;
  idempotency_keys: IdempotencyKeyRow;
  usage_counters: UsageCounterRow;
  runs: RunRow;
  executions: ExecutionRow;
  signing_secrets: SigningSecretRow;
  outbox: OutboxRow;
  alert_states: AlertStateRow;
  inbound_webhooks: InboundWebhookRow;
  alert_channels: AlertChannelRow;
  alert_rules: AlertRuleRow;
  job_origins: JobOriginRow;
}

/** A person who signs in with an email and a password. */
export interface UserRow {
  id: string;
  /** Lower-cased, unique. */
  email: string;
  name: string;
  /** Self-describing: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64). */
  password_hash: string;
  /** 1 for the operator's admin (the first account on a fresh install), else 0. */
  is_admin: number;
  created_at: number;
  updated_at: number;
}

export interface ProjectRow {
  id: string;
  name: string;
  /** The user who owns it; null for a project made by register-anonymous. */
  owner_id: string | null;
  created_at: number;
  /** The plan's name; null means the install's default plan. */
  plan?: string | null;
  /** 1 (the default) when anyone who knows a job's id may see its status and uptime badges. */
  badges_enabled?: number;
  /** Where the project's job events are sent; null for nowhere. */
  events_url?: string | null;
}

/** Deliveries made by a project in one period (`day:2026-11-24`, `month:2026-11`). */
export interface UsageCounterRow {
  project_id: string;
  period: string;
  runs: number;
}

export interface ApiKeyRow {
  id: string;
  project_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  last_four: string;
  /** Comma-separated: read, write, admin. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/**
 * One refresh token, stored hashed. Each use rotates it: the row is marked used and a new one of
 * the same family (one sign-in) is issued. A used or revoked token presented again revokes the
 * whole family.
 */
export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** Server-wide values that every node must share, such as the session signing secret. */
export interface SettingRow {
  key: string;
  value: string;
  created_at: number;
}

/** A job with the instant its earliest outstanding run is due, read from `runs`. */
export type JobWithNextRun = JobRow & { next_run_at: number | null };

/** A folder of jobs with a default time zone for the recurring ones created in it. */
export interface SpaceRow {
  id: string;
  project_id: string;
  name: string;
  timezone: string;
  created_at: number;
  updated_at: number;
}

/** A creation made safe to retry: the key, what was asked, and the job it made. */
export interface IdempotencyKeyRow {
  project_id: string;
  key: string;
  /** SHA-256 of the canonical request, so a repeat with another body is told apart. */
  request_hash: string;
  job_id: string;
  created_at: number;
}

/** A job's status: its state machine is domain/jobState.ts. */
export type { JobStatus };

export interface JobRow {
  id: string;
  project_id: string;
  name: string | null;
  status: JobStatus;
  /** Empty when the job has a destination instead. */
  url: string;
  /** JSON of a built-in destination (domain/destinations.ts), secrets included; null for a URL job. */
  destination: string | null;
  method: string;
  headers: string;
  query: string;
  body: string | null;
  payload: string | null;
  schedule: string;
  retry_policy: string;
  timeout_ms: number;
  last_run_at: number | null;
  last_status: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  created_at: number;
  updated_at: number;
  description: string | null;
  /** JSON array of strings. */
  tags: string;
  space_id: string | null;
  /** 1 to keep the first 100 KiB of response bodies, 0 to keep none. */
  store_response_body: number;
  /** Who paused it: 'user' (itself or in bulk) or 'space' (its space's pause), so a space resumes only its own. */
  paused_by: 'user' | 'space' | null;
  /**
   * Raised by every change to the job's definition or status, first thing in the changing
   * transaction (which also locks the row): a next occurrence planned from an older revision
   * is not written.
   */
  revision: number;
  /** 1 when redirects are followed for any method, 0 for GET and HEAD only. */
  follow_redirects: number;
  /** JSON text the target last set with a `Kairos-State` response header; `$state` in a payload. */
  state?: string | null;
  /** JSON `{ status, statusCode, body }` of the last attempt, kept for jobs whose payload names `$previous`. */
  previous_result?: string | null;
  /** After each successful run, a one-time job POSTs the job's payload here. */
  on_complete: string | null;
  /** After each run, its result is POSTed here. */
  callback_url: string | null;
  /** Once a run is dead-lettered, its result is POSTed here. */
  failure_callback_url: string | null;
  /** Lifecycle events of every attempt (`job.started`…) are POSTed here. */
  events_url: string | null;
  /** The job whose `onComplete` made this one; such a follow-up has no follow-up of its own. */
  parent_job_id: string | null;
  /** Runs dead-lettered since the job last succeeded: what alert thresholds and recovery read. */
  consecutive_failures: number;
  /** How its requests are dressed (domain/deliveryStyle.ts): null for Kairos's own style. */
  delivery_style: string | null;
  /** The inbound webhook whose request made it (set at create only): what lists that webhook's requests. */
  inbound_webhook_id: string | null;
}

export type { TriggeredBy };

/** A due occurrence of a job, from when it is scheduled until its last attempt is recorded. */
export interface RunRow {
  id: string;
  job_id: string;
  project_id: string;
  due_at: number;
  /** The attempt about to be made, from 1. */
  attempt: number;
  delivery_id: string;
  triggered_by: TriggeredBy;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  /** The execution this run replays. */
  replay_of: string | null;
}

/** An attempt's outcome (domain/records.ts). */
export type { ExecutionStatus };

/** One delivery attempt, kept as history. */
export interface ExecutionRow {
  id: string;
  job_id: string;
  project_id: string;
  run_id: string;
  delivery_id: string;
  attempt: number;
  triggered_by: TriggeredBy;
  status: ExecutionStatus;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  scheduled_for: number;
  started_at: number;
  completed_at: number;
  response_headers: string | null;
  response_body: string | null;
  replay_of: string | null;
  request_method: string | null;
  request_url: string | null;
  /** JSON object of the headers sent. */
  request_headers: string | null;
  /** The first 100 KiB of the body sent. */
  request_body: string | null;
}


/**
 * A project's secret for signing deliveries (Standard Webhooks). Kept as it is, `whsec_<base64>`:
 * the server needs the raw key to sign. Live while not revoked and not past `expires_at`
 * (set when a rotation replaces it).
 */
export interface SigningSecretRow {
  id: string;
  project_id: string;
  secret: string;
  last_four: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export type OutboxKind = 'callback' | 'job_event' | 'project_event' | 'alert';
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/**
 * A message that a recorded outcome set off (a callback, a lifecycle or project event, an alert
 * notice), written in the outcome's transaction and delivered afterwards with a bounded number
 * of attempts. Its id is the `webhook-id` of every attempt.
 */
export interface OutboxRow {
  id: string;
  project_id: string;
  job_id: string | null;
  kind: OutboxKind;
  /** `job.failed`, `job.started`, `callback`, `failure_callback`… */
  event: string;
  /** Where an HTTP message goes; null for an alert (it goes to its channel). */
  url: string | null;
  channel_id: string | null;
  rule_id: string | null;
  /** JSON text: the body POSTed, or the notice an alert channel renders. */
  body: string;
  status: OutboxStatus;
  /** Attempts made so far. */
  attempts: number;
  max_attempts: number;
  due_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  /** The first few KiB of the last answer. */
  last_response: string | null;
  created_at: number;
  updated_at: number;
}

/** Where alert notices go. `config` is JSON of the type's settings, secrets included (domain/alertChannel.ts). */
export interface AlertChannelRow {
  id: string;
  project_id: string;
  type: 'slack' | 'discord' | 'email' | 'webhook' | 'telegram';
  name: string;
  config: string;
  created_at: number;
  updated_at: number;
}

/**
 * A public URL (`/v1/inbound/<slug>`) whose JSON POSTs each become a one-time job sending the
 * posted JSON to `target_url` after `delay_ms`. The slug is the credential, so it is random; the
 * secret, when set, is kept as given because the server needs it to check HMAC signatures.
 */
export interface InboundWebhookRow {
  id: string;
  project_id: string;
  slug: string;
  name: string | null;
  target_url: string;
  method: string;
  /** JSON object of the headers the jobs send. */
  headers: string;
  delay_ms: number;
  secret: string | null;
  created_at: number;
}

/** Which outcomes notify which channels; at most one of job_id, space_id and tag narrows it. */
export interface AlertRuleRow {
  id: string;
  project_id: string;
  name: string;
  /** JSON array of channel ids. */
  channel_ids: string;
  job_id: string | null;
  space_id: string | null;
  tag: string | null;
  /** JSON array of job.failed, job.recovered, job.executed. */
  events: string;
  consecutive_failures_threshold: number;
  cooldown_minutes: number;
  /** 1 or 0. */
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** When a rule last sent a notice of one event about one job: its cooldown runs from here. */
export interface AlertStateRow {
  rule_id: string;
  job_id: string;
  event: string;
  last_sent_at: number;
}

/** Where an imported job came from: its source (`cronjob-org`, `crontab`…) and its id there. */
export interface JobOriginRow {
  project_id: string;
  source: string;
  original_id: string;
  job_id: string;
  /** SHA-256 of the definition last imported, so an unchanged job is skipped. */
  fingerprint: string;
  created_at: number;
  updated_at: number;
}
