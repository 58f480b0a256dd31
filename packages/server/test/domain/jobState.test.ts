import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  allows,
  assertAllowed,
  deliversScheduledRuns,
  editPlansRun,
  finishedStatuses,
  type JobStatus,
  jobStatuses,
  type JobTransition,
  liveStatuses,
  refusal,
  runEndingMovesFrom,
  runEndingTransition,
  schedulingStatus,
  statusAfterEdit,
  statusWithSchedule,
  transitions,
  type UserTransition,
} from '../../src/domain/jobState.js';

// Every (transition, status) pair, written out: `true` where the job may take it.
const matrix: Record<JobTransition, Record<JobStatus, boolean>> = {
  pause: { active: true, paused: false, completed: false, failed: false, cancelled: false },
  resume: { active: false, paused: true, completed: false, failed: false, cancelled: false },
  cancel: { active: true, paused: true, completed: true, failed: true, cancelled: false },
  complete: { active: true, paused: false, completed: false, failed: false, cancelled: false },
  fail: { active: true, paused: false, completed: false, failed: false, cancelled: false },
};

const userTransitions: UserTransition[] = ['pause', 'resume', 'cancel'];

describe('job statuses', () => {
  it('are the five the store keeps', () => {
    expect(jobStatuses).toEqual(['active', 'paused', 'completed', 'failed', 'cancelled']);
  });

  it('are each either live (counted against the plan) or finished (history), never both', () => {
    expect([...liveStatuses, ...finishedStatuses].sort()).toEqual([...jobStatuses].sort());
    expect(liveStatuses).toEqual(['active', 'paused']);
  });

  it('deliver scheduled runs only while active, and a run ending moves the job on only from there', () => {
    for (const status of jobStatuses) expect(deliversScheduledRuns(status), status).toBe(status === 'active');
    expect(schedulingStatus).toBe('active');
    expect(runEndingMovesFrom).toBe('active');
  });
});

describe('transitions', () => {
  for (const transition of Object.keys(matrix) as JobTransition[]) {
    for (const status of jobStatuses) {
      const allowed = matrix[transition][status];
      it(`${transition} from ${status}: ${allowed ? `goes to ${transitions[transition].to}` : 'is refused'}`, () => {
        expect(allows(transition, status)).toBe(allowed);
      });
    }
  }

  it('go where their names say', () => {
    expect(Object.fromEntries(Object.entries(transitions).map(([t, { to }]) => [t, to]))).toEqual({
      pause: 'paused',
      resume: 'active',
      cancel: 'cancelled',
      complete: 'completed',
      fail: 'failed',
    });
  });

  it('leave nothing out of cancelled', () => {
    for (const transition of Object.keys(transitions) as JobTransition[]) expect(allows(transition, 'cancelled'), transition).toBe(false);
  });
});

describe('refusals', () => {
  for (const transition of userTransitions) {
    for (const status of jobStatuses) {
      if (!matrix[transition][status]) continue;
      it(`${transition} from ${status} is not refused`, () => {
        expect(refusal(transition, 'job_1', status)).toBeNull();
        expect(() => assertAllowed(transition, 'job_1', status)).not.toThrow();
      });
    }
  }

  const refused: Array<[UserTransition, JobStatus, string]> = [
    ['pause', 'paused', 'Job job_1 is already paused.'],
    ['pause', 'completed', 'Job job_1 is completed; only an active job can be paused.'],
    ['pause', 'failed', 'Job job_1 is failed; only an active job can be paused.'],
    ['pause', 'cancelled', 'Job job_1 is cancelled; only an active job can be paused.'],
    ['resume', 'active', 'Job job_1 is active, not paused.'],
    ['resume', 'completed', 'Job job_1 is completed, not paused.'],
    ['resume', 'failed', 'Job job_1 is failed, not paused.'],
    ['resume', 'cancelled', 'Job job_1 is cancelled, not paused.'],
    ['cancel', 'cancelled', 'Job job_1 is already cancelled.'],
  ];

  it('cover every refused user transition', () => {
    const expected = userTransitions.flatMap((t) => jobStatuses.filter((s) => !matrix[t][s]).map((s) => `${t} ${s}`));
    expect(refused.map(([t, s]) => `${t} ${s}`)).toEqual(expected);
  });

  for (const [transition, status, message] of refused) {
    it(`${transition} from ${status} is a conflict: "${message}"`, () => {
      const err = refusal(transition, 'job_1', status);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'conflict', message });
      expect(() => assertAllowed(transition, 'job_1', status)).toThrow(message);
    });
  }
});

describe('a schedule (re)started, on create or resume', () => {
  it('is active with a run to come, completed without one', () => {
    expect(statusWithSchedule(true)).toBe('active');
    expect(statusWithSchedule(false)).toBe('completed');
  });
});

describe("a run's ending", () => {
  it("completes a one-time job's scheduled run when delivered and fails it otherwise", () => {
    expect(runEndingTransition('delivered', true)).toBe('complete');
    expect(runEndingTransition('dead_lettered', true)).toBe('fail');
    expect(runEndingTransition('refused', true)).toBe('fail');
  });

  it('leaves recurring jobs and manual runs alone', () => {
    for (const ending of ['delivered', 'dead_lettered', 'refused'] as const) expect(runEndingTransition(ending, false), ending).toBeNull();
  });
});

describe('an edit', () => {
  // [from, new schedule?, plans a run, status with a run to come, status with none]
  const cases: Array<[JobStatus, boolean, boolean, JobStatus | null, JobStatus | null]> = [
    ['active', false, true, 'active', 'completed'],
    ['active', true, true, 'active', 'completed'],
    ['paused', false, false, null, null],
    ['paused', true, false, null, null],
    ['completed', false, false, null, null],
    ['completed', true, true, 'active', 'completed'],
    ['failed', false, false, null, null],
    ['failed', true, true, 'active', 'failed'],
    ['cancelled', false, false, null, null],
    ['cancelled', true, false, null, null],
  ];

  it('covers every status with and without a new schedule', () => {
    expect(cases.length).toBe(jobStatuses.length * 2);
  });

  for (const [from, newSchedule, plans, withRun, withoutRun] of cases) {
    it(`of a ${from} job${newSchedule ? ' with a new schedule' : ''} ${plans ? `plans a run: ${withRun} with one, ${withoutRun} without` : 'plans no run and keeps its status'}`, () => {
      expect(editPlansRun(from, newSchedule)).toBe(plans);
      if (plans) {
        expect(statusAfterEdit(from, true)).toBe(withRun);
        expect(statusAfterEdit(from, false)).toBe(withoutRun);
      }
    });
  }
});
