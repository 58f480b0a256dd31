import { AppError } from '../domain/errors.js';
import { checkJobAgainstPlan, type Plan, usagePeriods } from '../domain/plans.js';
import type { JobDefinition } from '../domain/jobDefinition.js';
import type { Store } from '../store/connect.js';
import type { Executor } from '../store/sql/executor.js';
import { lockProject } from '../store/sql/accounts.js';
import { countAlertRules } from '../store/sql/alertRules.js';
import { countLiveJobs } from '../store/sql/jobs.js';
import { getProjectPlans, getUsage, setProjectPlan } from '../store/sql/usage.js';

export interface PlansServiceDeps {
  store: Store;
  plans: ReadonlyMap<string, Plan>;
  defaultPlan: Plan;
}

const limitView = (used: number, limit: number | null) => ({ used, limit, unlimited: limit === null });

/**
 * How long a project's plan is trusted once read. Every create checks it, and plans change
 * rarely (an admin's assignment, at once on this node): another node applies it within this.
 */
export const planFreshForMs = 2_000;

export function createPlansService({ store, plans, defaultPlan }: PlansServiceDeps) {
  const known = new Map<string, { plan: Plan; readAt: number }>();

  async function planOf(db: Executor, projectId: string): Promise<Plan> {
    const now = Date.now();
    const hit = known.get(projectId);
    if (hit && now - hit.readAt < planFreshForMs) return hit.plan;
    const name = (await getProjectPlans(db, store.dialect, [projectId])).get(projectId) ?? null;
    const plan = (name !== null ? plans.get(name) : undefined) ?? defaultPlan;
    if (known.size >= 100_000) known.clear();
    known.set(projectId, { plan, readAt: now });
    return plan;
  }

  return {
    planOf,

    /** The plan a project is on now. */
    currentPlan: (projectId: string) => planOf(store.db, projectId),

    /** 403 naming the limit when new or changed jobs would take the project past its plan. */
    async checkJobs(db: Executor, projectId: string, defs: readonly JobDefinition[], added: number): Promise<void> {
      const plan = await planOf(db, projectId);
      for (const def of defs) checkJobAgainstPlan(plan, { maxRetries: def.retryPolicy.maxRetries, timeoutMs: def.timeoutMs });
      if (plan.maxJobs !== null && added > 0) {
        // Creates that race would each count the others' jobs as absent: on PostgreSQL they take
        // turns on the project row (SQLite runs one transaction at a time anyway).
        await lockProject(db, store.dialect, projectId);
        const n = await countLiveJobs(db, projectId);
        if (n + added > plan.maxJobs) {
          throw new AppError('max_jobs_exceeded', `The ${plan.name} plan allows at most ${plan.maxJobs} active or paused jobs; this project has ${n}.`);
        }
      }
    },

    /** The project's plan, its limits, and what it has used of each, with when counters reset. */
    async usage(projectId: string) {
      const now = Date.now();
      const plan = await planOf(store.db, projectId);
      const periods = usagePeriods(now);
      const counters = await getUsage(store.db, store.dialect, [projectId], [periods.day, periods.month]);
      const n = await countLiveJobs(store.db, projectId);
      const { name, ...limits } = plan;
      return {
        plan: name,
        limits,
        usage: {
          jobs: limitView(n, plan.maxJobs),
          dailyRuns: { ...limitView(counters.get(`${projectId} ${periods.day}`) ?? 0, plan.maxDailyRuns), resetsAt: new Date(periods.dayResetsAt).toISOString() },
          monthlyRuns: { ...limitView(counters.get(`${projectId} ${periods.month}`) ?? 0, plan.maxMonthlyRuns), resetsAt: new Date(periods.monthResetsAt).toISOString() },
          // An alert config is a rule (Runhooks' config joins a channel to a threshold; Kairos's rule does that).
          alertConfigs: limitView(await countAlertRules(store.db, projectId), plan.maxAlertConfigs),
        },
      };
    },

    listPlans: () => [...plans.values()],

    /** The operator assigns a plan to a project (`null`: back to the default). */
    async assign(projectId: string, planName: string | null) {
      if (planName !== null && !plans.has(planName)) {
        throw AppError.validation([{ field: 'plan', issue: `no plan "${planName}"; plans are ${[...plans.keys()].join(', ')}` }]);
      }
      if (!(await setProjectPlan(store.db, projectId, planName))) throw AppError.notFound(`Project ${projectId}`);
      known.delete(projectId);
      return { projectId, plan: (planName !== null ? plans.get(planName) : undefined) ?? defaultPlan };
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
