import { type Plan, usagePeriods } from '../domain/plans.js';
import type { Dialect } from '../store/dialect.js';
import type { Executor } from '../store/sql/executor.js';
import { getProjectPlans, getUsage } from '../store/sql/usage.js';

interface ProjectQuota {
  plan: Plan;
  day: string;
  month: string;
  dayRuns: number;
  monthRuns: number;
  loadedAt: number;
}

/** How long a project's counters are trusted before they are read again (other nodes count too). */
const freshForMs = 10_000;

/**
 * Decides at fire time whether a project still has runs left today and this month. Counters are
 * read from the database when runs are claimed and counted here as runs fire, so the check costs
 * no query per delivery; several nodes may together overshoot by what they fire within
 * `freshForMs`. Projects on a plan without run limits are never counted here.
 */
export class QuotaGate {
  private readonly projects = new Map<string, ProjectQuota>();

  constructor(
    private readonly plans: ReadonlyMap<string, Plan>,
    private readonly defaultPlan: Plan,
  ) {}

  /** Reads plans and counters of the projects whose runs were just claimed, where not fresh. */
  async refresh(db: Executor, dialect: Dialect, projectIds: Iterable<string>, now: number): Promise<void> {
    const periods = usagePeriods(now);
    const stale = [...new Set(projectIds)].filter((id) => {
      const q = this.projects.get(id);
      return !q || now - q.loadedAt > freshForMs || q.day !== periods.day;
    });
    if (stale.length === 0) return;
    const planNames = await getProjectPlans(db, dialect, stale);
    const limited = stale.filter((id) => this.planOf(planNames.get(id) ?? null).maxDailyRuns !== null || this.planOf(planNames.get(id) ?? null).maxMonthlyRuns !== null);
    const usage = await getUsage(db, dialect, limited, [periods.day, periods.month]);
    for (const id of stale) {
      this.projects.set(id, {
        plan: this.planOf(planNames.get(id) ?? null),
        day: periods.day,
        month: periods.month,
        dayRuns: usage.get(`${id} ${periods.day}`) ?? 0,
        monthRuns: usage.get(`${id} ${periods.month}`) ?? 0,
        loadedAt: now,
      });
    }
    if (this.projects.size > 100_000) this.projects.clear();
  }

  /** True when the project may deliver one more run now, which is then counted. */
  admit(projectId: string, now: number): boolean {
    const q = this.projects.get(projectId);
    if (!q || (q.plan.maxDailyRuns === null && q.plan.maxMonthlyRuns === null)) return true;
    const periods = usagePeriods(now);
    if (q.day !== periods.day) {
      q.day = periods.day;
      q.dayRuns = 0;
    }
    if (q.month !== periods.month) {
      q.month = periods.month;
      q.monthRuns = 0;
    }
    if ((q.plan.maxDailyRuns !== null && q.dayRuns >= q.plan.maxDailyRuns) || (q.plan.maxMonthlyRuns !== null && q.monthRuns >= q.plan.maxMonthlyRuns)) return false;
    q.dayRuns++;
    q.monthRuns++;
    return true;
  }

  /** Deliveries of the project allowed in flight at once; null when its plan sets no bound. */
  concurrencyOf(projectId: string): number | null {
    return this.projects.get(projectId)?.plan.concurrency ?? null;
  }

  private planOf(name: string | null): Plan {
    return (name !== null ? this.plans.get(name) : undefined) ?? this.defaultPlan;
  }
}
