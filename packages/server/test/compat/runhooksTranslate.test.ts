/** The Runhooks translation against the seed document's own examples. */
import { describe, expect, it } from 'vitest';
import { alertView, channelInput, createInput, executionView, jobView, limitsView, pageOf, patchInput, rateLimitHeaders, runhooksField, ruleInput, scheduleIssue, scheduleView } from '../../src/api/compat/runhooks/translate.js';
import type { Job } from '../../src/domain/job.js';
import type { AlertChannel, AlertRule, Execution } from '../../src/domain/records.js';

// The document's POST /jobs example.
const refreshCache = {
  name: 'Refresh cache',
  schedule: { type: 'cron' as const, expression: '0 * * * *', timezone: 'America/New_York' },
  httpConfig: { url: 'https://api.example.com/refresh', method: 'POST', headers: { 'X-Api-Key': 'secret' } },
  retryPolicy: { maxRetries: 5 },
  tags: ['prod', 'cache'],
};

const nativeJob = {
  id: '665a1b2c3d4e5f6a7b8c9d0e',
  name: 'Refresh cache',
  description: null,
  status: 'active',
  tags: ['prod', 'cache'],
  url: 'https://api.example.com/refresh',
  destination: null,
  method: 'POST',
  headers: { 'X-Api-Key': 'secret' },
  body: null,
  payload: undefined,
  schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
  retryPolicy: { strategy: 'exponential', maxRetries: 5, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 300000 },
  timeoutMs: 30000,
  createdAt: Date.parse('2025-01-15T12:00:00.000Z'),
  updatedAt: Date.parse('2025-01-15T12:00:00.000Z'),
  nextRunAt: Date.parse('2025-01-15T13:00:00.000Z'),
  lastRunAt: null,
} as unknown as Job;

describe('Runhooks translation', () => {
  it('a create takes the document\'s defaults: GET, retries 3 from 1 s doubling up to 5 min', () => {
    expect(createInput(refreshCache)).toEqual({
      name: 'Refresh cache',
      schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
      url: 'https://api.example.com/refresh',
      method: 'POST',
      headers: { 'X-Api-Key': 'secret' },
      retryPolicy: { strategy: 'exponential', maxRetries: 5, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 300000 },
      tags: ['prod', 'cache'],
      storeResponseBody: true,
    });
    const minimal = createInput({ name: 'Sync inventory', schedule: { type: 'interval', expression: '60000' }, httpConfig: { url: 'https://api.example.com/sync' } });
    expect(minimal).toMatchObject({ method: 'GET', schedule: { type: 'interval', every: 60000 }, retryPolicy: { maxRetries: 3, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 300000 }, tags: [] });
  });

  it('an interval is milliseconds in a string', () => {
    expect(scheduleIssue({ type: 'interval', expression: '60000' })).toBeNull();
    expect(scheduleIssue({ type: 'interval', expression: '1m' })).toEqual({ field: 'schedule.expression', issue: expect.stringContaining('milliseconds') });
    expect(scheduleIssue({ type: 'cron', expression: '*/5 * * * *' })).toBeNull();
  });

  it('a job answers as the document\'s 201 example', () => {
    expect(jobView(nativeJob)).toEqual({
      id: '665a1b2c3d4e5f6a7b8c9d0e',
      name: 'Refresh cache',
      schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
      httpConfig: { url: 'https://api.example.com/refresh', method: 'POST', headers: { 'X-Api-Key': 'secret' }, timeoutMs: 30000 },
      retryPolicy: { maxRetries: 5, initialDelay: 1000, backoffMultiplier: 2, maxDelay: 300000 },
      status: 'active',
      tags: ['prod', 'cache'],
      createdAt: '2025-01-15T12:00:00.000Z',
      updatedAt: '2025-01-15T12:00:00.000Z',
      nextExecutionAt: '2025-01-15T13:00:00.000Z',
      lastExecutionAt: null,
    });
  });

  it('Kairos\'s other schedules show as the cron they amount to', () => {
    expect(scheduleView({ type: 'interval', every: 60000, timezone: 'UTC' })).toEqual({ type: 'interval', expression: '60000' });
    expect(scheduleView({ type: 'preset', preset: 'midnight', timezone: 'UTC' })).toEqual({ type: 'cron', expression: '0 0 * * *', timezone: 'UTC' });
  });

  it('a change lays a partial retry policy over the job\'s own; status passes through', () => {
    expect(patchInput({ name: 'New name', status: 'paused' }, nativeJob)).toEqual({ name: 'New name', status: 'paused' });
    expect(patchInput({ retryPolicy: { initialDelay: 500 } }, nativeJob).retryPolicy).toEqual({ strategy: 'exponential', maxRetries: 5, initialDelayMs: 500, multiplier: 2, maxDelayMs: 300000 });
    expect(patchInput({ httpConfig: { timeoutMs: 60000 } }, nativeJob)).toEqual({ timeoutMs: 60000 });
  });

  it('names the service\'s fields in Runhooks\' terms', () => {
    expect(runhooksField('url')).toBe('httpConfig.url');
    expect(runhooksField('headers.X-Api-Key')).toBe('httpConfig.headers.X-Api-Key');
    expect(runhooksField('timeoutMs')).toBe('httpConfig.timeoutMs');
    expect(runhooksField('schedule.every')).toBe('schedule.expression');
    expect(runhooksField('retryPolicy.initialDelayMs')).toBe('retryPolicy.initialDelay');
    expect(runhooksField('config.addresses[0]')).toBe('target');
    expect(runhooksField('name')).toBe('name');
  });

  it('an execution answers as the document\'s example', () => {
    const e = {
      id: '665b2c3d4e5f6a7b8c9d0e1f',
      jobId: '665a1b2c3d4e5f6a7b8c9d0e',
      status: 'success',
      startedAt: Date.parse('2025-01-15T13:00:00.000Z'),
      completedAt: Date.parse('2025-01-15T13:00:01.234Z'),
      durationMs: 1234,
      statusCode: 200,
      responseBody: '{"ok":true}',
      attempt: 1,
      error: null,
      triggeredBy: 'schedule',
      replayOf: null,
    } as unknown as Execution;
    expect(executionView(e)).toEqual({
      id: '665b2c3d4e5f6a7b8c9d0e1f',
      jobId: '665a1b2c3d4e5f6a7b8c9d0e',
      status: 'success',
      startedAt: '2025-01-15T13:00:00.000Z',
      completedAt: '2025-01-15T13:00:01.234Z',
      durationMs: 1234,
      httpStatusCode: 200,
      responseBody: '{"ok":true}',
      error: null,
      attempt: 1,
      triggeredBy: 'schedule',
      replayOf: null,
    });
    expect(pageOf([1], 1, 1, 20)).toEqual({ data: [1], total: 1, page: 1, limit: 20, totalPages: 1 });
    expect(pageOf([], 42, 1, 20).totalPages).toBe(3);
  });

  it('an alert config is a failure rule with a channel of its own', () => {
    expect(channelInput('All failures', 'email', 'ops@example.com')).toEqual({ type: 'email', name: 'All failures', config: { addresses: ['ops@example.com'] } });
    expect(channelInput('Hook', 'webhook', 'https://h.example.com/x')).toEqual({ type: 'webhook', name: 'Hook', config: { url: 'https://h.example.com/x' } });
    expect(channelInput('Slack', 'slack', 'https://hooks.slack.com/x')).toEqual({ type: 'slack', name: 'Slack', config: { webhookUrl: 'https://hooks.slack.com/x' } });
    expect(ruleInput({ name: 'All failures', channel: 'email', target: 'ops@example.com', consecutiveFailuresThreshold: 3, cooldownMinutes: 30 }, true)).toEqual({
      events: ['job.failed'],
      name: 'All failures',
      consecutiveFailuresThreshold: 3,
      cooldownMinutes: 30,
    });
    expect(ruleInput({ enabled: false }, false)).toEqual({ enabled: false });
    const rule = { id: '665c3d4e5f6a7b8c9d0e1f2a', name: 'All failures', channelIds: ['ch_1'], jobId: null, consecutiveFailuresThreshold: 3, cooldownMinutes: 30, enabled: true, createdAt: Date.parse('2025-01-15T12:00:00.000Z'), updatedAt: Date.parse('2025-01-15T12:00:00.000Z') } as unknown as AlertRule;
    const channel = { id: 'ch_1', type: 'email', name: 'All failures', config: { addresses: ['ops@example.com'] } } as unknown as AlertChannel;
    expect(alertView({ rule, channels: [channel] }, '665a0a1b2c3d4e5f6a7b8c9d')).toEqual({
      id: '665c3d4e5f6a7b8c9d0e1f2a',
      userId: '665a0a1b2c3d4e5f6a7b8c9d',
      name: 'All failures',
      channel: 'email',
      target: 'ops@example.com',
      jobId: null,
      consecutiveFailuresThreshold: 3,
      cooldownMinutes: 30,
      enabled: true,
      createdAt: '2025-01-15T12:00:00.000Z',
      updatedAt: '2025-01-15T12:00:00.000Z',
    });
  });

  it('usage limits take Runhooks\' names; rate-limit headers are draft-7\'s', () => {
    expect(limitsView({ maxJobs: 3, maxDailyRuns: 200, maxMonthlyRuns: 2000, maxRetries: 3, maxTimeoutMs: 30000, maxAlertConfigs: 1, retentionDays: 1, concurrency: 1 })).toEqual({
      maxJobs: 3,
      maxDailyRuns: 200,
      maxMonthlyRuns: 2000,
      maxRetries: 3,
      maxRequestTimeoutMs: 30000,
      maxAlertConfigs: 1,
      retentionDays: 1,
      concurrency: 1,
    });
    expect(rateLimitHeaders({ max: 100, remaining: 99, resetMs: 899_001, windowMs: 900_000 })).toEqual({ ratelimit: 'limit=100, remaining=99, reset=900', 'ratelimit-policy': '100;w=900' });
  });
});
