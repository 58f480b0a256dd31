import type { Logger } from 'pino';
import type { Plan } from '../domain/plans.js';
import type { Store } from '../store/connect.js';
import { pruneFinishedJobs } from '../store/sql/jobs.js';
import { pruneMessages } from '../store/sql/outbox.js';
import { projectsOnPlan, pruneExecutions } from '../store/sql/usage.js';

const dayMs = 86_400_000;
const batch = 5_000;

/**
 * Deletes execution history, the sent or given-up messages it set off, and one-time jobs that
 * finished (follow-ups and inbound jobs among them), older than each plan's retention, a batch at a time so the database is never held for long. Returns how many
 * rows went.
 */
export async function pruneHistory(store: Store, plans: ReadonlyMap<string, Plan>, defaultPlan: Plan, now: number): Promise<number> {
  let total = 0;
  for (const plan of plans.values()) {
    if (plan.retentionDays === null) continue;
    const projects = await projectsOnPlan(store.db, plan.name, plan.name === defaultPlan.name);
    const before = now - plan.retentionDays * dayMs;
    for (let i = 0; i < projects.length; i += 500) {
      const part = projects.slice(i, i + 500);
      for (const prune of [pruneExecutions, pruneMessages, pruneFinishedJobs]) {
        for (;;) {
          const n = await prune(store.db, store.dialect, part, before, batch);
          total += n;
          if (n < batch) break;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
  }
  return total;
}

/** Prunes now and then every `intervalMs`; returns a stop function. */
export function startRetention(store: Store, plans: ReadonlyMap<string, Plan>, defaultPlan: Plan, logger: Logger, intervalMs = 3_600_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const pruned = await pruneHistory(store, plans, defaultPlan, Date.now());
      if (pruned > 0) logger.info({ pruned }, 'pruned execution history past its retention');
    } catch (err) {
      logger.warn({ err }, 'pruning execution history failed; will try again');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
