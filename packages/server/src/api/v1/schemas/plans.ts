import { Type } from 'typebox';
import { nullable, Timestamp } from './common.js';

const limit = (description: string) => nullable(Type.Integer({ description: `${description}; null: no limit` }));

const planLimits = {
  maxJobs: limit('Jobs that are not finished'),
  maxDailyRuns: limit('Deliveries a day (UTC)'),
  maxMonthlyRuns: limit('Deliveries a calendar month (UTC)'),
  maxRetries: Type.Integer(),
  maxTimeoutMs: Type.Integer(),
  maxAlertConfigs: limit('Alert rules'),
  retentionDays: limit('Days of execution history kept'),
  concurrency: limit('Deliveries of the project in flight at once'),
};

export const Plan = Type.Object({ name: Type.String(), ...planLimits });

const Counter = { used: Type.Integer(), limit: nullable(Type.Integer()), unlimited: Type.Boolean() };

export const Usage = Type.Object({
  plan: Type.String(),
  limits: Type.Object(planLimits),
  usage: Type.Object({
    jobs: Type.Object(Counter),
    dailyRuns: Type.Object({ ...Counter, resetsAt: Timestamp }),
    monthlyRuns: Type.Object({ ...Counter, resetsAt: Timestamp }),
    alertConfigs: Type.Object(Counter),
  }),
});

export const AssignedPlan = Type.Object({ projectId: Type.String(), plan: Plan });
