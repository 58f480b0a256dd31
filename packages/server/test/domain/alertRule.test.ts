import { describe, expect, it } from 'vitest';
import { compileAlertRule } from '../../src/domain/alertRule.js';

const fields = (input: unknown) => {
  const r = compileAlertRule(input);
  return r.ok ? [] : r.issues.map((i) => i.field);
};

describe('compileAlertRule', () => {
  it('fills in the defaults: failures and recoveries, the first failure, an hour of cooldown, enabled', () => {
    expect(compileAlertRule({ name: 'All jobs', channelIds: ['ch_a', 'ch_a'] })).toEqual({
      ok: true,
      value: { name: 'All jobs', channelIds: ['ch_a'], jobId: null, spaceId: null, tag: null, events: ['job.failed', 'job.recovered'], consecutiveFailuresThreshold: 1, cooldownMinutes: 60, enabled: true },
    });
  });

  it('keeps the given values, events in their canonical order', () => {
    const r = compileAlertRule({ name: 'r', channelIds: ['ch_a'], tag: 'billing', events: ['job.executed', 'job.failed'], consecutiveFailuresThreshold: 3, cooldownMinutes: 0, enabled: false });
    expect(r).toMatchObject({ ok: true, value: { tag: 'billing', events: ['job.failed', 'job.executed'], consecutiveFailuresThreshold: 3, cooldownMinutes: 0, enabled: false } });
  });

  it('holds the ranges: 1–10 channels, threshold 1–100, cooldown 0–10 080 minutes', () => {
    expect(fields({ name: 'r', channelIds: [] })).toEqual(['channelIds']);
    expect(fields({ name: 'r', channelIds: Array.from({ length: 11 }, (_, i) => `ch_${i}`) })).toEqual(['channelIds']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], consecutiveFailuresThreshold: 0 })).toEqual(['consecutiveFailuresThreshold']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], consecutiveFailuresThreshold: 101 })).toEqual(['consecutiveFailuresThreshold']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], consecutiveFailuresThreshold: 1.5 })).toEqual(['consecutiveFailuresThreshold']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], cooldownMinutes: 10_081 })).toEqual(['cooldownMinutes']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], cooldownMinutes: 10_080, consecutiveFailuresThreshold: 100 })).toEqual([]);
  });

  it('takes at most one of jobId, spaceId and tag', () => {
    expect(fields({ name: 'r', channelIds: ['ch_a'], jobId: 'job_1', tag: 't' })).toEqual(['tag']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], jobId: 'job_1', spaceId: null, tag: null })).toEqual([]);
  });

  it('names wrong events and fields', () => {
    expect(fields({ name: 'r', channelIds: ['ch_a'], events: [] })).toEqual(['events']);
    expect(fields({ name: 'r', channelIds: ['ch_a'], events: ['job.failed', 'job.paused'] })).toEqual(['events[1]']);
    expect(fields({ channelIds: ['ch_a'], enabled: 'yes' })).toEqual(['name', 'enabled']);
    expect(fields({ name: 'r', channelIds: ['ch_a', 7], channel: 'email' })).toEqual(['channel', 'channelIds[1]']);
  });
});
