import { usagePeriods } from '../domain/plans.js';
import type { Store } from '../store/connect.js';
import { materializeRuns, type NextRun } from '../store/sql/materializeRuns.js';
import { type Outcome, type Recorded, recordOutcomes } from '../store/sql/recordOutcomes.js';
import { addUsage, type UsageIncrement } from '../store/sql/usage.js';
import { type EffectJob, type EffectsWritten, writeOutcomeEffects } from './outcomeEffects.js';

/** What one group commit writes: finished attempts, and next occurrences of recurring jobs. */
export interface OutcomeBatch {
  outcomes: Outcome[];
  /** The job of each outcome (same index), as the messages it sets off need it. */
  jobs: EffectJob[];
  runs: NextRun[];
}

export interface BatchWritten {
  /** Outcomes written now; the rest belonged to deleted jobs or were written before. */
  kept: number;
  /** Next occurrences inserted (one that already existed is left out). */
  inserted: string[];
  effects: EffectsWritten;
}

const noEffects: EffectsWritten = { followUpJobs: 0, messages: 0 };

/**
 * One transaction: executions, runs and job summaries, usage counters, what the outcomes set off
 * (follow-up jobs, outbox messages) and the next occurrences, so that none is lost and none is
 * written twice.
 */
export function writeBatch(store: Store, batch: OutcomeBatch, publicUrl: string | null): Promise<BatchWritten> {
  return store.db.transaction().execute(async (trx) => {
    const kept = await recordOutcomes(trx, store.dialect, batch.outcomes);
    await addUsage(trx, usageOf(kept));
    let effects = noEffects;
    if (kept.length > 0) {
      const jobOf = new Map(batch.outcomes.map((o, i) => [o, batch.jobs[i]!]));
      effects = await writeOutcomeEffects(
        trx,
        kept.map((recorded) => ({ recorded, job: jobOf.get(recorded.outcome)! })),
        Date.now(),
        { dialect: store.dialect, publicUrl },
      );
    }
    const inserted = await materializeRuns(trx, store.dialect, batch.runs);
    return { kept: kept.length, inserted: [...inserted], effects };
  });
}

/** Deliveries made, per project and period, to add to the usage counters. */
function usageOf(recorded: readonly Recorded[]): UsageIncrement[] {
  const counts = new Map<string, UsageIncrement>();
  for (const { outcome: { execution: e } } of recorded) {
    if (e.status === 'quota_exceeded') continue;
    const { day, month } = usagePeriods(e.started_at);
    for (const period of [day, month]) {
      const key = `${e.project_id} ${period}`;
      const inc = counts.get(key);
      if (inc) inc.runs++;
      else counts.set(key, { projectId: e.project_id, period, runs: 1 });
    }
  }
  return [...counts.values()];
}
