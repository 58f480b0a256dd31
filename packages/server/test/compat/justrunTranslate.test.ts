/** The JustRun translation against the seed document's own examples. */
import { describe, expect, it } from 'vitest';
import {
  billingPeriod,
  channelConfigInput,
  channelEvents,
  channelView,
  createInput,
  errorCode,
  executionView,
  jobView,
  justRunField,
  patchInput,
  spaceView,
  validationBody,
} from '../../src/api/compat/justrun/translate.js';
import { renderJustRunEnvelope } from '../../src/alerts/notice.js';
import { compileAlertChannel } from '../../src/domain/alertChannel.js';
import { defaultDestinationSettings } from '../../src/domain/destinations.js';
import type { Job } from '../../src/domain/job.js';
import type { AlertChannel, Execution, Space } from '../../src/domain/records.js';

// The document's GET /v1/jobs/:id example, as Kairos's service returns it.
const dailyBackup = {
  id: 'job_7kR3mNxQ2v',
  name: 'Daily DB Backup',
  url: 'https://api.example.com/backup',
  method: 'POST',
  status: 'active',
  tags: ['production', 'database'],
  spaceId: 'sp_xyz789',
  headers: {},
  body: null,
  payload: undefined,
  destination: null,
  schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'UTC' },
  retryPolicy: { strategy: 'exponential', maxRetries: 3, initialDelayMs: 60000, multiplier: 2, maxDelayMs: 3600000 },
  timeoutMs: 30000,
  storeResponseBody: false,
  nextRunAt: Date.parse('2026-04-11T03:00:00.000Z'),
  lastRunAt: Date.parse('2026-04-10T03:00:01.000Z'),
  lastStatus: 'success',
  lastDurationMs: 1245,
  lastStatusCode: 200,
  createdAt: Date.parse('2026-01-15T10:30:00.000Z'),
  updatedAt: Date.parse('2026-04-10T03:00:01.000Z'),
} as unknown as Job;

describe('JustRun translation', () => {
  it('a job answers as the document\'s GET /v1/jobs/:id example', () => {
    expect(jobView(dailyBackup)).toEqual({
      id: 'job_7kR3mNxQ2v',
      name: 'Daily DB Backup',
      cron_expression: '0 3 * * *',
      url: 'https://api.example.com/backup',
      method: 'POST',
      timezone: 'UTC',
      status: 'active',
      timeout_sec: 30,
      retry_policy: 'exponential',
      retry_max: 3,
      retry_delay_sec: 60,
      tags: ['production', 'database'],
      space_id: 'sp_xyz789',
      headers: {},
      body: null,
      store_response_body: false,
      next_run_at: '2026-04-11T03:00:00.000Z',
      last_run_at: '2026-04-10T03:00:01.000Z',
      last_status: 'success',
      last_duration_ms: 1245,
      last_status_code: 200,
      created_at: '2026-01-15T10:30:00.000Z',
      updated_at: '2026-04-10T03:00:01.000Z',
    });
  });

  it('the document\'s create example, with {{execution_id}} as Kairos\'s {{run.id}}', () => {
    expect(
      createInput({
        name: 'Nightly Report Generator',
        cron_expression: '0 2 * * *',
        url: 'https://api.example.com/reports/generate',
        method: 'POST',
        timezone: 'Europe/Stockholm',
        timeout_sec: 120,
        retry_policy: 'exponential',
        retry_max: 3,
        retry_delay_sec: 30,
        tags: ['reports', 'nightly'],
        space_id: 'sp_xyz789',
        headers: { 'X-API-Key': 'your-service-key', 'X-Correlation-ID': 'jr-{{execution_id}}' },
        body: '{"format": "pdf"}',
        store_response_body: true,
      }),
    ).toEqual({
      name: 'Nightly Report Generator',
      schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Stockholm' },
      url: 'https://api.example.com/reports/generate',
      method: 'POST',
      headers: { 'X-API-Key': 'your-service-key', 'X-Correlation-ID': 'jr-{{run.id}}' },
      body: '{"format": "pdf"}',
      timeoutMs: 120000,
      retryPolicy: { strategy: 'exponential', maxRetries: 3, initialDelayMs: 30000, multiplier: 2 },
      tags: ['reports', 'nightly'],
      spaceId: 'sp_xyz789',
      storeResponseBody: true,
    });
    const view = jobView({ ...dailyBackup, headers: { 'X-Correlation-ID': 'jr-{{run.id}}' } } as unknown as Job);
    expect(view.headers).toEqual({ 'X-Correlation-ID': 'jr-{{execution_id}}' });
  });

  it('the defaults: GET, 30 s, no retries 60 s apart, response bodies not kept; the time zone left to the space', () => {
    expect(createInput({ name: 'n', cron_expression: '*/5 * * * *', url: 'https://x.example.com' })).toEqual({
      name: 'n',
      schedule: { type: 'cron', expression: '*/5 * * * *' },
      url: 'https://x.example.com',
      method: 'GET',
      headers: {},
      timeoutMs: 30000,
      retryPolicy: { strategy: 'none', maxRetries: 0, initialDelayMs: 60000 },
      tags: [],
      storeResponseBody: false,
    });
  });

  it('the document\'s PATCH example keeps the time zone; a retry field keeps the others', () => {
    expect(patchInput({ cron_expression: '*/30 * * * *', timeout_sec: 60, tags: ['production', 'database', 'critical'] }, dailyBackup)).toEqual({
      schedule: { type: 'cron', expression: '*/30 * * * *', timezone: 'UTC' },
      timeoutMs: 60000,
      tags: ['production', 'database', 'critical'],
    });
    expect(patchInput({ retry_max: 5 }, dailyBackup).retryPolicy).toEqual({ strategy: 'exponential', maxRetries: 5, initialDelayMs: 60000, multiplier: 2 });
  });

  it('an execution is a run, as the document\'s executions example', () => {
    const e = { id: 'exe_1', runId: 'run_3jL9qYvN1p', jobId: 'job_7kR3mNxQ2v', status: 'dead_letter', statusCode: 503, durationMs: 30012, triggeredBy: 'schedule', responseBody: null, error: 'Request timed out after 30s', startedAt: Date.parse('2026-04-09T03:00:01Z') } as unknown as Execution;
    expect(executionView(e)).toEqual({
      id: 'run_3jL9qYvN1p',
      job_id: 'job_7kR3mNxQ2v',
      status: 'failed',
      status_code: 503,
      duration_ms: 30012,
      triggered_by: 'schedule',
      response_body: null,
      error: 'Request timed out after 30s',
      executed_at: '2026-04-09T03:00:01.000Z',
    });
  });

  it('a space is paused while all its jobs are', () => {
    const s = { id: 'sp_xyz789', name: 'Production', timezone: 'UTC', jobCount: 12, activeJobCount: 12, pausedJobCount: 0, createdAt: Date.parse('2026-01-10T08:00:00Z'), updatedAt: Date.parse('2026-01-10T08:00:00Z') } satisfies Space;
    expect(spaceView(s)).toEqual({ id: 'sp_xyz789', name: 'Production', timezone: 'UTC', status: 'active', job_count: 12, created_at: '2026-01-10T08:00:00.000Z', updated_at: '2026-01-10T08:00:00.000Z' });
    expect(spaceView({ ...s, activeJobCount: 0, pausedJobCount: 12 }).status).toBe('paused');
  });

  it('channels: the document\'s configs as Kairos\'s, a webhook in JustRun\'s format', () => {
    expect(channelConfigInput('slack', { webhook_url: 'https://hooks.slack.com/services/T00/B00/xxx' })).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T00/B00/xxx' });
    expect(channelConfigInput('email', { addresses: ['oncall@example.com'] })).toEqual({ addresses: ['oncall@example.com'] });
    const webhook = channelConfigInput('webhook', { url: 'https://events.pagerduty.com/v2/enqueue', headers: { 'Content-Type': 'application/json' }, secret: 'whsec_your_signing_secret' });
    expect(webhook).toEqual({ url: 'https://events.pagerduty.com/v2/enqueue', headers: { 'Content-Type': 'application/json' }, secret: 'whsec_your_signing_secret', format: 'justrun' });
    const compiled = compileAlertChannel({ type: 'webhook', name: 'PagerDuty Integration', config: webhook }, () => null, defaultDestinationSettings);
    expect(compiled).toEqual({ ok: true, value: { type: 'webhook', name: 'PagerDuty Integration', config: { url: 'https://events.pagerduty.com/v2/enqueue', headers: { 'Content-Type': 'application/json' }, format: 'justrun', secret: 'whsec_your_signing_secret' } } });
    expect(compileAlertChannel({ type: 'webhook', name: 'x', config: { url: 'https://h.example.com', format: 'xml' } }, () => null, defaultDestinationSettings)).toMatchObject({ ok: false, issues: [{ field: 'config.format' }] });
    expect(channelEvents('webhook')).toEqual(['job.executed', 'job.failed', 'job.recovered']);
    expect(channelEvents('slack')).toEqual(['job.failed', 'job.recovered']);
    // The webhook URL is a secret: shown masked, as every door shows it.
    const channel: AlertChannel = { id: 'ch_sL3kNm9wR2', type: 'slack', name: 'Engineering Alerts', config: { webhookUrl: 'https://hooks.slack.com/services/T00/B00/xxx' }, createdAt: Date.parse('2026-03-01T10:00:00Z'), updatedAt: Date.parse('2026-03-01T10:00:00Z') };
    expect(channelView(channel)).toEqual({ id: 'ch_sL3kNm9wR2', type: 'slack', name: 'Engineering Alerts', config: { webhook_url: 'https://hooks.slack.com/…/xxx' }, created_at: '2026-03-01T10:00:00.000Z' });
  });

  it('the event envelope is the document\'s, its execution the run', () => {
    const envelope = renderJustRunEnvelope({
      id: 'evt_xR7nLp2wM4',
      event: 'job.failed',
      createdAt: Date.parse('2026-04-10T15:45:00Z'),
      projectId: 'prj_1',
      job: { id: 'job_7kR3mNxQ2v', name: 'Daily DB Backup' },
      execution: { id: 'exe_1', runId: 'run_3jL9qYvN1p', status: 'failed', statusCode: 503, error: 'Request timed out after 30s', responseExcerpt: null, durationMs: 30012, executedAt: Date.parse('2026-04-10T15:44:30Z') },
      consecutiveFailures: 1,
      jobUrl: null,
    });
    expect(envelope).toEqual({
      id: 'evt_xR7nLp2wM4',
      type: 'job.failed',
      created_at: '2026-04-10T15:45:00.000Z',
      data: { job_id: 'job_7kR3mNxQ2v', job_name: 'Daily DB Backup', execution_id: 'run_3jL9qYvN1p', status_code: 503, duration_ms: 30012, error: 'Request timed out after 30s', executed_at: '2026-04-10T15:44:30.000Z' },
    });
  });

  it('errors: the document\'s validation example, and codes', () => {
    expect(validationBody([{ field: 'schedule.expression', issue: 'must not be empty' }])).toEqual({
      error: { code: 'validation_error', message: 'cron_expression must not be empty', details: [{ field: 'cron_expression', issue: 'must not be empty' }] },
    });
    expect(justRunField('timeoutMs')).toBe('timeout_sec');
    expect(justRunField('spaceId')).toBe('space_id');
    expect(justRunField('config.webhookUrl')).toBe('config.webhook_url');
    expect(justRunField('retryPolicy.maxRetries')).toBe('retry_max');
    expect(errorCode('rate_limited')).toBe('rate_limit_exceeded');
    expect(errorCode('not_found')).toBe('not_found');
    expect(errorCode('max_jobs_exceeded')).toBe('plan_limit_exceeded');
  });

  it('the billing period is the calendar month in UTC', () => {
    expect(billingPeriod(Date.parse('2026-04-10T15:30:00Z'))).toEqual({ start: '2026-04-01T00:00:00.000Z', end: '2026-04-30T23:59:59.000Z' });
    expect(billingPeriod(Date.parse('2026-12-31T23:59:59Z'))).toEqual({ start: '2026-12-01T00:00:00.000Z', end: '2026-12-31T23:59:59.000Z' });
  });
});
