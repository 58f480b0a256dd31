import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/domain/job.js';
import { jobVariable } from '../../src/domain/jobVariable.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5);

// A whole record, as the engine hands it over: its request too, which `$job` leaves out.
const stored: Job = {
  id: 'job_1',
  projectId: 'prj_1',
  name: 'nightly',
  description: 'sync',
  status: 'active',
  tags: ['a', 'b'],
  spaceId: 'sp_1',
  url: 'https://example.com/hook',
  destination: null,
  method: 'POST',
  headers: {},
  query: {},
  body: null,
  payload: { at: '{{$job.name}}' },
  schedule: { type: 'cron', expression: '0 * * * *', timezone: 'UTC' },
  retryPolicy: { type: 'none' } as unknown as Job['retryPolicy'],
  timeoutMs: 30_000,
  storeResponseBody: true,
  followRedirects: false,
  onComplete: null,
  callbackUrl: 'https://example.com/cb',
  failureCallbackUrl: null,
  eventsUrl: null,
  parentJobId: null,
  deliveryStyle: null,
  inboundWebhookId: null,
  pausedBy: null,
  revision: 3,
  consecutiveFailures: 0,
  state: null,
  previousResult: null,
  nextRunAt: at + 3_600_000,
  lastRunAt: at,
  lastStatus: 'success',
  lastStatusCode: 200,
  lastDurationMs: 12,
  createdAt: at,
  updatedAt: at + 1_000,
};

describe('$job', () => {
  it('shows the job in the native field names, its instants in ISO-8601, in the order receivers have been sent', () => {
    const job = jobVariable(stored);
    expect(JSON.stringify(job)).toBe(
      JSON.stringify({
        id: 'job_1',
        name: 'nightly',
        description: 'sync',
        status: 'active',
        tags: ['a', 'b'],
        spaceId: 'sp_1',
        url: 'https://example.com/hook',
        destination: null,
        method: 'POST',
        schedule: { type: 'cron', expression: '0 * * * *', timezone: 'UTC' },
        retryPolicy: { type: 'none' },
        timeoutMs: 30_000,
        storeResponseBody: true,
        followRedirects: false,
        onComplete: null,
        callbackUrl: 'https://example.com/cb',
        failureCallbackUrl: null,
        eventsUrl: null,
        parentJobId: null,
        nextRunAt: null,
        lastRunAt: '2026-01-02T03:04:05.000Z',
        lastStatus: 'success',
        lastStatusCode: 200,
        lastDurationMs: 12,
        createdAt: '2026-01-02T03:04:05.000Z',
        updatedAt: '2026-01-02T03:04:06.000Z',
      }),
    );
  });

  it('leaves out what may carry secrets: headers, query, body and payload', () => {
    const withSecrets = { ...stored, headers: { authorization: 'Bearer s' }, query: { token: 's' }, body: 'secret', payload: { k: 's' } };
    const job = jobVariable(withSecrets);
    for (const field of ['headers', 'query', 'body', 'payload']) expect(job).not.toHaveProperty(field);
    expect(JSON.stringify(job)).not.toContain('secret');
    expect(JSON.stringify(job)).not.toContain('Bearer');
  });

  it("masks a destination's webhook URL and shows no URL for it", () => {
    const slack: Job = { ...stored, url: '', destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX' } };
    const job = jobVariable(slack);
    expect(job.url).toBeNull();
    expect(job.destination).toMatchObject({ type: 'slack' });
    expect(JSON.stringify(job)).not.toContain('XXXXSECRETXXXX');
  });

  it('shows a one-time instant in ISO-8601 and other schedules as stored', () => {
    expect(jobVariable({ ...stored, schedule: { type: 'once', at } }).schedule).toEqual({ type: 'once', at: '2026-01-02T03:04:05.000Z' });
    expect(jobVariable({ ...stored, schedule: { type: 'interval', every: 60000 } as Job['schedule'] }).schedule).toEqual({ type: 'interval', every: 60000 });
  });

  it('shows a job that never ran with null last fields', () => {
    const job = jobVariable({ ...stored, lastRunAt: null, lastStatus: null, lastStatusCode: null, lastDurationMs: null });
    expect(job).toMatchObject({ lastRunAt: null, lastStatus: null, lastStatusCode: null, lastDurationMs: null });
  });
});
