import type { Generated } from 'kysely';

/**
 * The database rows: the one definition of what is stored. Instants are epoch milliseconds
 * (bigint), structured values are JSON text, so both SQLite and PostgreSQL hold them alike.
 */
export interface Database {
  projects: ProjectRow;
  api_keys: ApiKeyRow;
  jobs: JobRow;
  runs: RunRow;
  executions: ExecutionRow;
}

export interface ProjectRow {
  id: string;
  name: string;
  created_at: number;
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

/** A job with the instant its earliest outstanding run is due, read from `runs`. */
export type JobWithNextRun = JobRow & { next_run_at: number | null };

export type JobStatus = 'active' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  project_id: string;
  name: string | null;
  status: JobStatus;
  url: string;
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
}

export type TriggeredBy = 'schedule' | 'manual' | 'replay';

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
}

export type ExecutionStatus = 'success' | 'failed' | 'timeout' | 'dead_letter';

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
}

export type SeqColumn = Generated<number>;
