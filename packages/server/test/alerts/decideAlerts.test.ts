import { describe, expect, it } from 'vitest';
import { covers, decideAlerts, type RuleTerms } from '../../src/alerts/decideAlerts.js';

const rule = (over: Partial<RuleTerms> = {}): RuleTerms => ({
  jobId: null,
  spaceId: null,
  tag: null,
  events: ['job.failed', 'job.recovered'],
  consecutiveFailuresThreshold: 1,
  cooldownMinutes: 60,
  ...over,
});
const never = () => undefined;

describe('decideAlerts', () => {
  it('sends job.failed only when a run is dead-lettered, never for a retried attempt', () => {
    expect(decideAlerts(rule(), { transition: null, consecutiveFailures: 0 }, never, 0).send).toEqual([]);
    expect(decideAlerts(rule(), { transition: 'failed', consecutiveFailures: 1 }, never, 0).send).toEqual(['job.failed']);
  });

  it('waits for the threshold of consecutive failed runs', () => {
    const r = rule({ consecutiveFailuresThreshold: 3 });
    expect(decideAlerts(r, { transition: 'failed', consecutiveFailures: 2 }, never, 0).send).toEqual([]);
    expect(decideAlerts(r, { transition: 'failed', consecutiveFailures: 3 }, never, 0).send).toEqual(['job.failed']);
  });

  it('stays quiet within the cooldown while the job stays broken, and speaks again after it', () => {
    const sentAt = 1_000;
    const last = (e: string) => (e === 'job.failed' ? sentAt : undefined);
    expect(decideAlerts(rule(), { transition: 'failed', consecutiveFailures: 2 }, last, sentAt + 59 * 60_000).send).toEqual([]);
    expect(decideAlerts(rule(), { transition: 'failed', consecutiveFailures: 3 }, last, sentAt + 60 * 60_000).send).toEqual(['job.failed']);
  });

  it('a cooldown of 0 sends every failure', () => {
    expect(decideAlerts(rule({ cooldownMinutes: 0 }), { transition: 'failed', consecutiveFailures: 2 }, () => 5, 5).send).toEqual(['job.failed']);
  });

  it('sends job.recovered once a job that reached the threshold succeeds, and restarts the failure cooldown', () => {
    expect(decideAlerts(rule(), { transition: 'recovered', consecutiveFailures: 1 }, () => 0, 10)).toEqual({ send: ['job.recovered'], clear: ['job.failed'] });
    expect(decideAlerts(rule({ consecutiveFailuresThreshold: 2 }), { transition: 'recovered', consecutiveFailures: 1 }, never, 10)).toEqual({ send: [], clear: [] });
    expect(decideAlerts(rule({ events: ['job.failed'] }), { transition: 'recovered', consecutiveFailures: 1 }, never, 10)).toEqual({ send: [], clear: ['job.failed'] });
  });

  it('sends job.executed for any attempt, at most once per cooldown', () => {
    const r = rule({ events: ['job.executed'] });
    expect(decideAlerts(r, { transition: null, consecutiveFailures: 0 }, never, 0).send).toEqual(['job.executed']);
    expect(decideAlerts(r, { transition: null, consecutiveFailures: 0 }, () => 0, 1_000).send).toEqual([]);
  });
});

describe('covers', () => {
  const job = { id: 'job_1', spaceId: 'sp_1', tags: ['billing'] };
  it('matches the job, its space, its tag, or everything', () => {
    expect(covers(rule(), job)).toBe(true);
    expect(covers(rule({ jobId: 'job_1' }), job)).toBe(true);
    expect(covers(rule({ jobId: 'job_2' }), job)).toBe(false);
    expect(covers(rule({ spaceId: 'sp_1' }), job)).toBe(true);
    expect(covers(rule({ spaceId: 'sp_2' }), job)).toBe(false);
    expect(covers(rule({ tag: 'billing' }), job)).toBe(true);
    expect(covers(rule({ tag: 'ops' }), job)).toBe(false);
  });
});
