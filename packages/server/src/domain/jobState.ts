import { AppError } from './errors.js';

/**
 * A job's state machine, the one place that says which status a job may move to from which:
 *
 * | transition | from                              | to                                       |
 * | ---------- | --------------------------------- | ---------------------------------------- |
 * | create     | (new)                             | active; completed when it has no run     |
 * | pause      | active                            | paused                                   |
 * | resume     | paused                            | active; completed when it has no run     |
 * | cancel     | active, paused, completed, failed | cancelled (which nothing leaves)         |
 * | complete   | active (its one-time run done)    | completed                                |
 * | fail       | active (its one-time run dead-lettered or refused over quota) | failed       |
 * | edit       | active; completed or failed with a new schedule | active; completed when it has no run |
 *
 * The store keeps the statuses as these words; SQL that tests a status takes its literal from
 * here. Doors show them under their own words (each compat dialect maps them).
 */

export const jobStatuses = ['active', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * The one status whose scheduled runs the engine delivers and whose next occurrences it writes;
 * a manual run goes whatever the status.
 */
export const schedulingStatus = 'active' satisfies JobStatus;

/** A job that still has a schedule: it counts against its project's plan. */
export const liveStatuses = ['active', 'paused'] as const satisfies readonly JobStatus[];
/** A job that has ended: history, pruned with its executions once past retention. */
export const finishedStatuses = ['completed', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];

/** What a user (or a space, for its jobs) asks of a job. */
export type UserTransition = 'pause' | 'resume' | 'cancel';
/** What the engine does to a one-time job when its scheduled run ends. */
export type RunTransition = 'complete' | 'fail';
export type JobTransition = UserTransition | RunTransition;

/**
 * Which status each transition leaves from, and where it goes. `resume` goes to `active`, or to
 * `completed` when the schedule has no occurrence left (see `statusWithSchedule`).
 */
export const transitions = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused', 'completed', 'failed'], to: 'cancelled' },
  complete: { from: ['active'], to: 'completed' },
  fail: { from: ['active'], to: 'failed' },
} as const satisfies { [T in JobTransition]: { from: readonly JobStatus[]; to: JobStatus } };

export function allows(transition: JobTransition, from: JobStatus): boolean {
  return (transitions[transition].from as readonly JobStatus[]).includes(from);
}

/**
 * Why a job in status `from` cannot take `transition`: a `conflict` naming the job, or null when
 * it can.
 */
export function refusal(transition: UserTransition, jobId: string, from: JobStatus): AppError | null {
  if (allows(transition, from)) return null;
  switch (transition) {
    case 'pause':
      return new AppError('conflict', from === 'paused' ? `Job ${jobId} is already paused.` : `Job ${jobId} is ${from}; only an active job can be paused.`);
    case 'resume':
      return new AppError('conflict', `Job ${jobId} is ${from}, not paused.`);
    case 'cancel':
      // Only a cancelled job refuses a cancel.
      return new AppError('conflict', `Job ${jobId} is already cancelled.`);
  }
}

/** Throws `refusal`'s conflict when the job cannot take the transition. */
export function assertAllowed(transition: UserTransition, jobId: string, from: JobStatus): void {
  const refused = refusal(transition, jobId, from);
  if (refused) throw refused;
}

/**
 * The status of a job whose schedule was (re)started, as on create or resume: active while it has
 * a run to come, completed when it has none (a one-time instant already past on create).
 */
export function statusWithSchedule(hasRun: boolean): JobStatus {
  return hasRun ? 'active' : 'completed';
}

/** Whether the engine delivers a job's scheduled runs (see `schedulingStatus`). */
export function deliversScheduledRuns(status: JobStatus): boolean {
  return status === schedulingStatus;
}

/**
 * A run's ending moves its job on (complete, fail) only from this status: a job paused or
 * cancelled while its run was in flight keeps what the user made it. The store writes the
 * change as `CASE WHEN status = <this> …` in the same statement as the run's outcome.
 */
export const runEndingMovesFrom = schedulingStatus;

/** How a run ended, for its job: delivered, dead-lettered (retries exhausted), or refused (over quota). */
export type RunEnding = 'delivered' | 'dead_lettered' | 'refused';

/**
 * What a run's ending asks of its job: a one-time job's scheduled run ends the job (completed
 * when delivered, failed otherwise); recurring jobs and manual runs leave the status alone.
 */
export function runEndingTransition(ending: RunEnding, scheduledOnce: boolean): RunTransition | null {
  if (!scheduledOnce) return null;
  return ending === 'delivered' ? 'complete' : 'fail';
}

/** Whether an edit plans a run for the job: an active job's, or a finished one-time job reopened by a new schedule. */
export function editPlansRun(from: JobStatus, newSchedule: boolean): boolean {
  return from === 'active' || (newSchedule && (from === 'completed' || from === 'failed'));
}

/**
 * The status after an edit that planned a run (`editPlansRun`): active when the schedule has an
 * occurrence to come; an active job whose schedule has none left completes; a reopened job that
 * still has none stays as it was.
 */
export function statusAfterEdit(from: JobStatus, hasRun: boolean): JobStatus {
  if (hasRun) return 'active';
  return from === 'active' ? 'completed' : from;
}
