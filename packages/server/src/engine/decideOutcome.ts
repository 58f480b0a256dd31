import { type RunEnding, runEndingTransition, transitions } from '../domain/jobState.js';
import { retryDelay } from '../domain/retry.js';
import { previousResult, readStateHeader } from '../domain/template.js';
import { type DeliveryRequest, type DeliveryResult, responseBodyCap } from '../delivery/httpDelivery.js';
import type { Outcome } from '../store/sql/recordOutcomes.js';
import type { ExecutionStatus } from '../store/schema.js';
import type { HeldRun } from './jobPlan.js';

export interface DecideContext {
  now: number;
  nodeId: string;
  /** A retry due before this instant stays leased and waits in memory. */
  horizonEnd: number;
  leaseUntil: number;
  /** The id the attempt was sent with (`kairos-execution-id`), which its execution row takes. */
  executionId: string;
}

/**
 * What an attempt's result means for its run and job: success ends the run; a failure is
 * retried per the job's policy until it runs out, then the run is dead-lettered.
 */
/** A run its project's plan had no runs left for: recorded, not delivered, not retried. */
export interface QuotaRefusal {
  outcome: 'quota_exceeded';
  statusCode: null;
  headers: null;
  body: null;
  error: string;
  startedAt: number;
  durationMs: 0;
}

export function decideOutcome(held: HeldRun, request: DeliveryRequest, result: DeliveryResult | QuotaRefusal, ctx: DecideContext): Outcome {
  const { run, job } = held;
  const scheduledOnce = !job.recurring && run.triggered_by === 'schedule';
  let status: ExecutionStatus = result.outcome;
  let runChange: Outcome['run'] = { kind: 'done', id: run.id };
  let ending: RunEnding | null = null;

  if (result.outcome === 'success') {
    ending = 'delivered';
  } else if (result.outcome === 'quota_exceeded') {
    ending = 'refused';
  } else {
    const delay = retryDelay(job.retryPolicy, run.attempt);
    if (delay === null) {
      status = 'dead_letter';
      ending = 'dead_lettered';
    } else {
      const dueAt = ctx.now + delay;
      const keep = dueAt <= ctx.horizonEnd;
      runChange = {
        kind: 'retry',
        id: run.id,
        dueAt,
        attempt: run.attempt + 1,
        leaseOwner: keep ? ctx.nodeId : null,
        leaseUntil: keep ? ctx.leaseUntil : null,
      };
    }
  }

  const moves = ending === null ? null : runEndingTransition(ending, scheduledOnce);
  const jobStatus: Outcome['job']['status'] = moves === null ? null : transitions[moves].to;

  // A `Kairos-State` header sets the job's state; one that cannot be kept is noted, not failed.
  let state: string | undefined;
  let error = result.error;
  const stateHeader = result.headers?.['kairos-state'];
  if (stateHeader !== undefined) {
    const read = readStateHeader(Array.isArray(stateHeader) ? stateHeader.join(', ') : stateHeader);
    if (read.ok) state = read.json;
    else error = `${error ? `${error}; ` : ''}Kairos-State header ignored: ${read.issue}`;
  }
  const previous = job.keepsPrevious && result.outcome !== 'quota_exceeded' ? JSON.stringify(previousResult(status, result.statusCode, result.body)) : undefined;

  return {
    execution: {
      id: ctx.executionId,
      job_id: job.id,
      project_id: job.projectId,
      run_id: run.id,
      delivery_id: run.delivery_id,
      attempt: run.attempt,
      triggered_by: run.triggered_by,
      status,
      status_code: result.statusCode,
      duration_ms: result.durationMs,
      error,
      scheduled_for: run.due_at,
      started_at: result.startedAt,
      completed_at: ctx.now,
      response_headers: result.headers ? JSON.stringify(result.headers) : null,
      response_body: job.storeResponseBody ? result.body : null,
      replay_of: run.replay_of,
      request_method: request.method,
      request_url: job.shownUrl ?? request.origin + request.path,
      request_headers: JSON.stringify(headerObject(request.headers)),
      request_body: request.body === null ? null : request.body.length > responseBodyCap ? request.body.slice(0, responseBodyCap) : request.body,
    },
    run: runChange,
    job: { id: job.id, status: jobStatus, state, previousResult: previous },
    // Each outcome crosses to the SQL thread: what the row already carries is not sent twice.
    unstoredBody: job.storeResponseBody ? undefined : result.body,
  };
}

function headerObject(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}
