import type { FieldIssue, Result } from './errors.js';
import { describe, isPlainObject, present } from './input.js';

export const alertEvents = ['job.failed', 'job.recovered', 'job.executed'] as const;
export type AlertEvent = (typeof alertEvents)[number];

/** Which outcomes notify which channels, for which jobs. */
export interface AlertRuleSpec {
  name: string;
  channelIds: string[];
  /** At most one of the three is set; none means every job of the project. */
  jobId: string | null;
  spaceId: string | null;
  tag: string | null;
  events: AlertEvent[];
  consecutiveFailuresThreshold: number;
  cooldownMinutes: number;
  enabled: boolean;
}

export const alertRuleLimits = {
  nameLength: 100,
  channels: { min: 1, max: 10 },
  threshold: { min: 1, max: 100, default: 1 },
  // Runhooks' range: up to a week between repeats.
  cooldownMinutes: { min: 0, max: 10_080, default: 60 },
  tagLength: 50,
  defaultEvents: ['job.failed', 'job.recovered'] as AlertEvent[],
} as const;

const fields = ['name', 'channelIds', 'jobId', 'spaceId', 'tag', 'events', 'consecutiveFailuresThreshold', 'cooldownMinutes', 'enabled'];

function integerIn(value: unknown, range: { min: number; max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * Validates a rule as a client described it, with defaults filled in. For a change, the caller
 * passes the stored rule with the changed fields laid over it (a null scope field clears it).
 * That the channels, job and space exist in the project is the service's check.
 */
export function compileAlertRule(input: unknown): Result<AlertRuleSpec> {
  if (!isPlainObject(input)) return { ok: false, issues: [{ field: 'body', issue: `must be an object, not ${describe(input)}` }] };
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });
  const l = alertRuleLimits;

  for (const key of Object.keys(input)) if (!fields.includes(key)) add(key, 'is not a known field');

  const name = input.name;
  if (typeof name !== 'string' || name.trim() === '') add('name', 'is required');
  else if (name.length > l.nameLength) add('name', `must be at most ${l.nameLength} characters`);

  let channelIds: string[] = [];
  if (!Array.isArray(input.channelIds)) add('channelIds', present(input.channelIds) ? `must be an array of channel ids, not ${describe(input.channelIds)}` : 'is required');
  else {
    channelIds = [...new Set(input.channelIds as unknown[])] as string[];
    if (channelIds.length < l.channels.min || channelIds.length > l.channels.max) add('channelIds', `must name ${l.channels.min} to ${l.channels.max} channels`);
    (input.channelIds as unknown[]).forEach((id, i) => {
      if (typeof id !== 'string' || id === '') add(`channelIds[${i}]`, 'must be a channel id (ch_…)');
    });
  }

  const scope = (field: 'jobId' | 'spaceId' | 'tag', max: number): string | null => {
    const value = input[field];
    if (!present(value)) return null;
    if (typeof value !== 'string' || value === '' || value.length > max) {
      add(field, `must be a string of 1 to ${max} characters or null`);
      return null;
    }
    return value;
  };
  const jobId = scope('jobId', 64);
  const spaceId = scope('spaceId', 64);
  const tag = scope('tag', l.tagLength);
  const scoped = [jobId && 'jobId', spaceId && 'spaceId', tag && 'tag'].filter(Boolean) as string[];
  if (scoped.length > 1) add(scoped[1]!, `give at most one of jobId, spaceId and tag, not ${scoped.join(' and ')}`);

  let events: AlertEvent[] = [...l.defaultEvents];
  if (present(input.events)) {
    if (!Array.isArray(input.events) || input.events.length === 0) add('events', `must be a non-empty array of ${alertEvents.join(', ')}`);
    else {
      input.events.forEach((e, i) => {
        if (!(alertEvents as readonly unknown[]).includes(e)) add(`events[${i}]`, `must be one of ${alertEvents.join(', ')}`);
      });
      events = alertEvents.filter((e) => (input.events as unknown[]).includes(e));
    }
  }

  const integer = (field: 'consecutiveFailuresThreshold' | 'cooldownMinutes', range: { min: number; max: number; default: number }): number => {
    const value = input[field];
    if (!present(value)) return range.default;
    if (!integerIn(value, range)) add(field, `must be an integer from ${range.min} to ${range.max}`);
    return value as number;
  };
  const consecutiveFailuresThreshold = integer('consecutiveFailuresThreshold', l.threshold);
  const cooldownMinutes = integer('cooldownMinutes', l.cooldownMinutes);

  let enabled = true;
  if (present(input.enabled)) {
    if (typeof input.enabled !== 'boolean') add('enabled', 'must be a boolean');
    else enabled = input.enabled;
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { name: (name as string).trim(), channelIds, jobId, spaceId, tag, events, consecutiveFailuresThreshold, cooldownMinutes, enabled } };
}
