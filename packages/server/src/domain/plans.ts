import { AppError } from './errors.js';

/** What a project may do. `null` means no limit. */
export interface Plan {
  name: string;
  maxJobs: number | null;
  maxDailyRuns: number | null;
  maxMonthlyRuns: number | null;
  maxRetries: number;
  maxTimeoutMs: number;
  maxAlertConfigs: number | null;
  /** Days of execution history kept. */
  retentionDays: number | null;
  /** Deliveries of the project in flight at once. */
  concurrency: number | null;
  /** API requests a minute per caller, on top of the server's rate profile (JustRun's per-plan table). */
  requestsPerMinute?: number | null;
  /** Runs started by hand a minute per caller, likewise. */
  runNowPerMinute?: number | null;
}

const unlimited: Plan = {
  name: 'unlimited',
  maxJobs: null,
  maxDailyRuns: null,
  maxMonthlyRuns: null,
  maxRetries: 10,
  maxTimeoutMs: 300_000,
  maxAlertConfigs: null,
  retentionDays: null,
  concurrency: null,
};

// The hosted tiers of Runhooks, ready to assign to projects of a public install.
const tier = (name: string, maxJobs: number, day: number, month: number, retries: number, timeoutS: number, alerts: number, days: number, concurrency: number): Plan => ({
  name,
  maxJobs,
  maxDailyRuns: day,
  maxMonthlyRuns: month,
  maxRetries: retries,
  maxTimeoutMs: timeoutS * 1000,
  maxAlertConfigs: alerts,
  retentionDays: days,
  concurrency,
});

export const builtInPlans: readonly Plan[] = [
  unlimited,
  tier('free', 3, 200, 2_000, 3, 30, 1, 1, 1),
  tier('starter', 10, 2_000, 20_000, 5, 60, 3, 3, 2),
  tier('production', 30, 12_000, 120_000, 7, 120, 10, 14, 5),
  tier('growth', 100, 50_000, 500_000, 10, 300, 50, 30, 15),
];

const limitKeys = ['maxJobs', 'maxDailyRuns', 'maxMonthlyRuns', 'maxRetries', 'maxTimeoutMs', 'maxAlertConfigs', 'retentionDays', 'concurrency', 'requestsPerMinute', 'runNowPerMinute'] as const;

/**
 * The plans an install offers: the built-in ones, overridden or extended by the operator's
 * `KAIROS_PLANS` JSON (`{ "team": { "maxJobs": 500, … } }`; an omitted limit is unlimited, or
 * the built-in value when the name is a built-in plan). Throws naming the bad entry.
 */
export function parsePlans(json: string | undefined): Map<string, Plan> {
  const plans = new Map(builtInPlans.map((p) => [p.name, p]));
  if (!json) return plans;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('KAIROS_PLANS must be a JSON object of plan name to limits');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('KAIROS_PLANS must be a JSON object of plan name to limits');
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'object' || value === null) throw new Error(`KAIROS_PLANS.${name} must be an object of limits`);
    const plan: Plan = { ...(plans.get(name) ?? unlimited), name };
    for (const [key, limit] of Object.entries(value)) {
      if (!(limitKeys as readonly string[]).includes(key)) throw new Error(`KAIROS_PLANS.${name}.${key} is not a limit; use ${limitKeys.join(', ')}`);
      if (limit !== null && !(Number.isInteger(limit) && (limit as number) >= 0)) throw new Error(`KAIROS_PLANS.${name}.${key} must be a non-negative integer or null`);
      if ((key === 'maxRetries' || key === 'maxTimeoutMs') && limit === null) throw new Error(`KAIROS_PLANS.${name}.${key} needs a number`);
      (plan as unknown as Record<string, number | null>)[key] = limit as number | null;
    }
    plans.set(name, plan);
  }
  return plans;
}

/** 403 naming the limit when a job asks for more than its project's plan allows. */
export function checkJobAgainstPlan(plan: Plan, job: { maxRetries: number; timeoutMs: number }): void {
  if (job.maxRetries > plan.maxRetries) {
    throw new AppError('max_retries_exceeded', `The ${plan.name} plan allows at most ${plan.maxRetries} retries.`, [{ field: 'retryPolicy.maxRetries', issue: `at most ${plan.maxRetries} on the ${plan.name} plan` }]);
  }
  if (job.timeoutMs > plan.maxTimeoutMs) {
    throw new AppError('max_timeout_exceeded', `The ${plan.name} plan allows a timeout of at most ${plan.maxTimeoutMs} ms.`, [{ field: 'timeoutMs', issue: `at most ${plan.maxTimeoutMs} on the ${plan.name} plan` }]);
  }
}

/** Usage periods in UTC: the counter keys and when each resets. */
export function usagePeriods(now: number): { day: string; month: string; dayResetsAt: number; monthResetsAt: number } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const iso = d.toISOString();
  return {
    day: `day:${iso.slice(0, 10)}`,
    month: `month:${iso.slice(0, 7)}`,
    dayResetsAt: Date.UTC(y, m, d.getUTCDate() + 1),
    monthResetsAt: Date.UTC(y, m + 1, 1),
  };
}
