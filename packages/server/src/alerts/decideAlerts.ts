import type { AlertEvent } from '../domain/alertRule.js';
import type { AlertRule } from '../domain/records.js';

/** What of a rule (as store/rows.ts decodes it) says which jobs it covers and what it sends about them. */
export type RuleTerms = Pick<AlertRule, 'jobId' | 'spaceId' | 'tag' | 'events' | 'consecutiveFailuresThreshold' | 'cooldownMinutes'>;

/** A rule covers the job it names, the jobs of the space it names, those with its tag, or, naming none, them all. */
export function covers(rule: Pick<RuleTerms, 'jobId' | 'spaceId' | 'tag'>, job: { id: string; spaceId: string | null; tags: readonly string[] }): boolean {
  if (rule.jobId !== null) return rule.jobId === job.id;
  if (rule.spaceId !== null) return rule.spaceId === job.spaceId;
  if (rule.tag !== null) return job.tags.includes(rule.tag);
  return true;
}

/** What one recorded outcome did to its job's health (see store/sql/recordOutcomes.ts). */
export interface HealthChange {
  transition: 'failed' | 'recovered' | null;
  consecutiveFailures: number;
}

/** What a rule does about one outcome: the notices it sends and the cooldown marks it drops. */
export interface AlertDecision {
  send: AlertEvent[];
  /** Events whose cooldown starts over: `job.failed` once the job has recovered. */
  clear: AlertEvent[];
}

/**
 * Which notices a rule sends for one outcome. `job.failed` fires only when a run is dead-lettered
 * (never per attempt) and the job has failed `threshold` runs in a row, then not again within
 * the cooldown while it stays broken; `job.recovered` when a job that had reached the threshold
 * succeeds, which also ends the failure's cooldown; `job.executed` on every attempt, at most once
 * per cooldown. `lastSent` says when the rule last sent that event about this job.
 */
export function decideAlerts(rule: RuleTerms, change: HealthChange, lastSent: (event: AlertEvent) => number | undefined, now: number): AlertDecision {
  const send: AlertEvent[] = [];
  const clear: AlertEvent[] = [];
  const cooldownMs = rule.cooldownMinutes * 60_000;
  const threshold = rule.consecutiveFailuresThreshold;
  const cooled = (event: AlertEvent) => {
    const last = lastSent(event);
    return last === undefined || now - last >= cooldownMs;
  };
  if (rule.events.includes('job.executed') && cooled('job.executed')) send.push('job.executed');
  if (change.transition === 'failed' && change.consecutiveFailures >= threshold && rule.events.includes('job.failed') && cooled('job.failed')) send.push('job.failed');
  if (change.transition === 'recovered' && change.consecutiveFailures >= threshold) {
    if (rule.events.includes('job.recovered')) send.push('job.recovered');
    clear.push('job.failed');
  }
  return { send, clear };
}
