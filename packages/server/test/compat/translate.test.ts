import { describe, expect, it } from 'vitest';
import { argsOf, booperIssue, booperJobInput, booperJobView, runState, spanSeconds } from '../../src/api/compat/booper/translate.js';
import { donutworkError, donutworkJobInput, jobRunnerList, runResult } from '../../src/api/compat/donutwork/translate.js';
import { idOfUuid, jobIdOf, runNumberOf, uuidOf } from '../../src/api/compat/ids.js';
import { runnerIssue, runnerJobInput, runnerJobView, runnerRetryPolicy } from '../../src/api/compat/runner/translate.js';
import { newId } from '../../src/domain/ids.js';
import { retryDelay } from '../../src/domain/retry.js';
import type { JobProgress } from '../../src/service/jobs.js';
import type { Job } from '../../src/domain/job.js';
import type { Execution } from '../../src/domain/records.js';

/** A job record with the fields the dialects read; the rest as a stored job would have them. */
function jobView(fields: Partial<Job>): Job {
  return {
    id: newId('job', 0),
    projectId: 'prj_1',
    name: null,
    description: null,
    status: 'active',
    tags: [],
    spaceId: null,
    url: 'https://myapp.com/api/welcome-email',
    destination: null,
    method: 'POST',
    headers: {},
    query: {},
    body: null,
    payload: undefined,
    schedule: { type: 'once', at: Date.parse('2026-06-01T10:00:00.000Z') },
    retryPolicy: runnerRetryPolicy,
    timeoutMs: 30_000,
    storeResponseBody: true,
    followRedirects: false,
    onComplete: null,
    callbackUrl: null,
    failureCallbackUrl: null,
    eventsUrl: null,
    deliveryStyle: null,
    parentJobId: null,
    inboundWebhookId: null,
    pausedBy: null,
    revision: 0,
    consecutiveFailures: 0,
    state: null,
    previousResult: null,
    nextRunAt: null,
    lastRunAt: null,
    lastStatus: null,
    lastStatusCode: null,
    lastDurationMs: null,
    createdAt: Date.parse('2026-05-31T18:00:00.000Z'),
    updatedAt: Date.parse('2026-05-31T18:00:00.000Z'),
    ...fields,
  };
}

describe('ids: UUIDs one-to-one with Kairos ids', () => {
  it("maps Runner's documented UUID to a job id and back", () => {
    const id = idOfUuid('job', '550e8400-e29b-41d4-a716-446655440000');
    expect(id).toMatch(/^job_[0-9a-z]{26}$/);
    expect(uuidOf(id!)).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(idOfUuid('job', '550E8400-E29B-41D4-A716-446655440000')).toBe(id);
  });

  it('maps every new id to a UUID and back, and tells ids of one millisecond apart', () => {
    const now = Date.now();
    const ids = Array.from({ length: 50 }, () => newId('job', now));
    const uuids = ids.map((id) => uuidOf(id)!);
    expect(new Set(uuids).size).toBe(50);
    for (const [i, u] of uuids.entries()) {
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(idOfUuid('job', u)).toBe(ids[i]);
      expect(jobIdOf(u)).toBe(ids[i]);
    }
    expect(jobIdOf(ids[0]!)).toBe(ids[0]);
    expect(uuidOf('not-an-id')).toBeNull();
    expect(idOfUuid('job', '550e8400e29b41d4a716446655440000')).toBeNull();
  });

  it("gives each run a distinct safe integer (Booper's job_id)", () => {
    const now = Date.now();
    const runs = Array.from({ length: 100 }, () => newId('run', now));
    const numbers = runs.map((r) => runNumberOf(r)!);
    expect(new Set(numbers).size).toBe(100);
    for (const n of numbers) expect(Number.isSafeInteger(n) && n > 0).toBe(true);
    expect(Math.floor(numbers[0]! / 2048)).toBe(now);
    expect(runNumberOf('run_x')).toBeNull();
  });
});

describe('Runner translation', () => {
  it('turns the first example into a one-time JSON POST in Runner\'s style with its retries', () => {
    const r = runnerJobInput({ url: 'https://myapp.com/api/welcome-email', runAt: 1_900_000_000_000, payload: { userId: 'user_123' } }, 'Europe/Paris');
    expect(r).toEqual({
      ok: true,
      value: { url: 'https://myapp.com/api/welcome-email', method: 'POST', payload: { userId: 'user_123' }, schedule: { type: 'once', at: 1_900_000_000_000 }, retryPolicy: runnerRetryPolicy, deliveryStyle: 'runner' },
    });
    expect(runnerRetryPolicy).toEqual({ maxRetries: 3, strategy: 'exponential', initialDelayMs: 30_000, multiplier: 4, maxDelayMs: 480_000 });
    // "after 30 seconds, 2 minutes, and 8 minutes", then no more.
    expect([1, 2, 3, 4].map((n) => retryDelay(runnerRetryPolicy, n))).toEqual([30_000, 120_000, 480_000, null]);
  });

  it("reads a runAt without an offset in timezone, else the server's zone", () => {
    const at = (body: object, zone: string) => (runnerJobInput({ url: 'https://x.example', ...body }, zone) as { value: { schedule: unknown } }).value.schedule;
    expect(at({ runAt: '2027-06-01T09:00:00', timezone: 'Europe/Berlin' }, 'UTC')).toEqual({ type: 'once', at: Date.UTC(2027, 5, 1, 7) });
    expect(at({ runAt: '2027-06-01T09:00' }, 'America/New_York')).toEqual({ type: 'once', at: Date.UTC(2027, 5, 1, 13) });
    expect(at({ runAt: '2027-06-01T09:00:00Z', timezone: 'Europe/Berlin' }, 'UTC')).toEqual({ type: 'once', at: '2027-06-01T09:00:00Z' });
    expect(runnerJobInput({ url: 'https://x.example', runAt: '2027-06-01T09:00', timezone: 'Mars/Olympus' }, 'UTC')).toMatchObject({ ok: false, issues: [{ field: 'timezone' }] });
  });

  it('turns presets and weekly objects into schedules in the given zone, else the server zone', () => {
    expect(runnerJobInput({ url: 'https://myapp.com/api/digest', runEvery: 'morning', timezone: 'America/New_York' }, 'UTC')).toMatchObject({ ok: true, value: { schedule: { type: 'preset', preset: 'morning', timezone: 'America/New_York' } } });
    expect(runnerJobInput({ url: 'https://myapp.com/api/weekly-summary', runEvery: { day: 'monday', hour: 9, minute: 30 }, timezone: 'Europe/Berlin' }, 'UTC')).toMatchObject({
      ok: true,
      value: { schedule: { type: 'weekly', day: 'monday', hour: 9, minute: 30, timezone: 'Europe/Berlin' } },
    });
    expect(runnerJobInput({ url: 'https://x.example', runEvery: { day: 'monday' } }, 'Asia/Tokyo')).toMatchObject({ ok: true, value: { schedule: { type: 'weekly', hour: 0, minute: 0, timezone: 'Asia/Tokyo' } } });
    const slack = runnerJobInput({ destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/...' }, runEvery: 'morning', payload: { text: 'Daily digest ready' } }, 'UTC');
    expect(slack).toMatchObject({ ok: true, value: { destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/...' }, payload: { text: 'Daily digest ready' } } });
    expect(slack.ok && 'method' in slack.value).toBe(false);
  });

  it('names what is missing or doubled in Runner\'s terms', () => {
    expect(runnerJobInput({ runAt: 1 }, 'UTC')).toEqual({ ok: false, issues: [{ field: 'url', issue: 'is required (or give a destination)' }] });
    expect(runnerJobInput({ url: 'https://x.example' }, 'UTC')).toEqual({ ok: false, issues: [{ field: 'runAt', issue: 'is required (or give runEvery)' }] });
    expect(runnerJobInput({ url: 'https://x.example', runEvery: 'weekly' }, 'UTC')).toMatchObject({ ok: false, issues: [{ field: 'runEvery' }] });
    expect(runnerJobInput({ url: 'https://x.example', runEvery: { day: 'monday', second: 1 } }, 'UTC')).toMatchObject({ ok: false, issues: [{ field: 'runEvery.second' }] });
    expect(runnerIssue({ field: 'schedule.at', issue: 'is in the past' })).toEqual({ field: 'runAt', issue: 'is in the past' });
    expect(runnerIssue({ field: 'schedule.hour', issue: 'x' })).toEqual({ field: 'runEvery.hour', issue: 'x' });
    expect(runnerIssue({ field: 'schedule.timezone', issue: 'x' }).field).toBe('timezone');
    expect(runnerIssue({ field: 'destination.webhookUrl', issue: 'x' }).field).toBe('destination.webhookUrl');
  });

  it('shows a job exactly as the "Create-job response" does', () => {
    const job = jobView({ id: idOfUuid('job', '550e8400-e29b-41d4-a716-446655440000')!, nextRunAt: Date.parse('2026-06-01T10:00:00.000Z') });
    expect(runnerJobView(job)).toEqual({
      id: '550e8400-e29b-41d4-a716-446655440000',
      url: 'https://myapp.com/api/welcome-email',
      status: 'scheduled',
      scheduleType: 'once',
      destinationType: 'http',
      runAt: '2026-06-01T10:00:00.000Z',
      runEvery: null,
      nextRunAt: '2026-06-01T10:00:00.000Z',
      createdAt: '2026-05-31T18:00:00.000Z',
    });
    const weekly = runnerJobView(jobView({ status: 'paused', url: '', destination: { type: 'discord', webhookUrl: 'https://discord.com/…' }, schedule: { type: 'weekly', day: 'monday', hour: 9, minute: 30, timezone: 'UTC' } }));
    expect(weekly).toMatchObject({ status: 'paused', url: null, scheduleType: 'recurring', destinationType: 'discord', runAt: null, runEvery: { day: 'monday', hour: 9, minute: 30 } });
    for (const [status, shown] of [['active', 'scheduled'], ['completed', 'completed'], ['failed', 'failed'], ['cancelled', 'cancelled']]) {
      expect(runnerJobView(jobView({ status: status as Job['status'] })).status).toBe(shown);
    }
  });
});

describe('Booper translation', () => {
  const example = { method: 'post', url: 'https://scheduler.booper.dev/api/broadcast', body: { content: 'Testing 123', channel: 'discord' }, schedule_in: [30, 'seconds'] as [number, string] };

  it('reads spans as seconds, tuples in any unit, singular or plural', () => {
    expect(spanSeconds(30)).toEqual({ ok: true, seconds: 30 });
    expect(spanSeconds([30, 'seconds'])).toEqual({ ok: true, seconds: 30 });
    expect(spanSeconds([5, 'minutes'])).toEqual({ ok: true, seconds: 300 });
    expect(spanSeconds([1, 'hour'])).toEqual({ ok: true, seconds: 3_600 });
    expect(spanSeconds([2, 'days'])).toEqual({ ok: true, seconds: 172_800 });
    expect(spanSeconds([1, 'Week'])).toEqual({ ok: true, seconds: 604_800 });
    expect(spanSeconds([1, 'month']).ok).toBe(false);
    expect(spanSeconds(-1).ok).toBe(false);
    expect(spanSeconds('30').ok).toBe(false);
  });

  it("turns the document's example into a one-time POST with a JSON payload", () => {
    expect(booperJobInput(example, 0)).toEqual({
      ok: true,
      value: { url: 'https://scheduler.booper.dev/api/broadcast', method: 'POST', headers: {}, query: {}, payload: { content: 'Testing 123', channel: 'discord' }, schedule: { type: 'once', delay: 30_000 } },
    });
    expect(booperJobInput({ url: 'https://x.example' }, 0)).toMatchObject({ ok: true, value: { method: 'GET', schedule: { type: 'once', delay: 0 } } });
    expect(booperJobInput({ url: 'https://x.example', scheduled_at: 1_900_000_000 }, 0)).toMatchObject({ ok: true, value: { schedule: { type: 'once', at: 1_900_000_000_000 } } });
    expect(booperJobInput({ url: 'https://x.example', scheduled_at: '2030-01-31T09:00:00' }, 0)).toMatchObject({ ok: true, value: { schedule: { type: 'once', at: Date.UTC(2030, 0, 31, 9) } } });
    expect(booperJobInput({ url: 'https://x.example', scheduled_at: '2030-01-31T10:00:00+01:00' }, 0)).toMatchObject({ ok: true, value: { schedule: { type: 'once', at: Date.UTC(2030, 0, 31, 9) } } });
    expect(booperJobInput({ url: 'https://x.example', scheduled_at: 1_900_000_000 }, 1_900_000_000_001)).toMatchObject({ ok: true, value: { schedule: { type: 'once', delay: 0 } } });
    expect(booperJobInput({ url: 'https://x.example', repeat_every: [5, 'minutes'] }, 0)).toMatchObject({ ok: true, value: { schedule: { type: 'interval', every: 300_000, timezone: 'UTC' } } });
    expect(booperJobInput({ url: 'https://x.example', cron: '0 9 * * 1-5' }, 0)).toMatchObject({ ok: true, value: { schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' } } });
    expect(booperJobInput({ url: 'https://x.example', callback_url: 'https://c.example', webhook_url: 'https://w.example', name: 'n', description: null }, 0)).toMatchObject({
      ok: true,
      value: { callbackUrl: 'https://c.example', eventsUrl: 'https://w.example', name: 'n' },
    });
    expect(booperJobInput({ url: 'https://x.example', schedule_in: 1, repeat_every: 5 }, 0)).toEqual({ ok: false, issues: [{ field: 'repeat_every', issue: 'cannot be combined with schedule_in; give one of schedule_in, scheduled_at, repeat_every, cron' }] });
    expect(booperJobInput({ url: 'https://x.example', method: 'fetch' }, 0)).toMatchObject({ ok: false, issues: [{ field: 'method' }] });
    expect(booperIssue({ field: 'payload', issue: 'x' })).toEqual({ field: 'body', issue: 'x' });
    expect(booperIssue({ field: 'schedule.every', issue: 'x' }).field).toBe('repeat_every');
    expect(booperIssue({ field: 'eventsUrl', issue: 'x' }).field).toBe('webhook_url');
  });

  it('echoes the request as args, and shows the documented answer', () => {
    const args = argsOf(example);
    expect(args).toEqual({ body: { content: 'Testing 123', channel: 'discord' }, headers: {}, method: 'post', query: {}, url: 'https://scheduler.booper.dev/api/broadcast', schedule_in: [30, 'seconds'] });
    const jobId = idOfUuid('job', '41d7f28b-dfbe-44b8-b716-b91898bb0ce0')!;
    const projectId = idOfUuid('prj', 'bd2aa099-6eb7-4dbb-9178-32141def1355')!;
    const inserted = Date.UTC(2023, 8, 1, 18, 25, 49, 705);
    const progress: JobProgress = {
      job: jobView({ id: jobId, createdAt: Date.parse('2023-09-01T18:25:49.705Z'), payload: example.body, schedule: { type: 'once', at: Date.parse('2023-09-01T18:26:19.707Z') } }),
      run: { id: newId('run', inserted), dueAt: inserted + 30_002, attempt: 1, leased: false, createdAt: inserted },
      last: null,
      idempotencyKey: null,
    };
    const view = booperJobView(progress, inserted + 10, { args, projectId });
    expect(view).toEqual({
      id: '41d7f28b-dfbe-44b8-b716-b91898bb0ce0',
      idempotency_key: null,
      inserted_at: '2023-09-01T18:25:49',
      name: null,
      description: null,
      user_id: 'bd2aa099-6eb7-4dbb-9178-32141def1355',
      schedule_id: null,
      job_id: runNumberOf(jobId),
      job: {
        attempted_at: null,
        cancelled_at: null,
        completed_at: null,
        discarded_at: null,
        has_confict: false,
        id: runNumberOf(jobId),
        inserted_at: '2023-09-01T18:25:49.705Z',
        scheduled_at: '2023-09-01T18:26:19.707Z',
        state: 'scheduled',
      },
      args,
    });
    // A stored job's args, read back.
    expect(booperJobView(progress, inserted, { projectId }).args).toEqual({ body: example.body, headers: {}, method: 'post', query: {}, url: 'https://myapp.com/api/welcome-email', scheduled_at: '2023-09-01T18:26:19.707Z' });
  });

  it("names Oban's state of the current run", () => {
    const job = jobView({});
    const run = { id: newId('run', 0), dueAt: 1_000, attempt: 1, leased: false, createdAt: 0 };
    expect(runState({ job, run, last: null }, 500)).toBe('scheduled');
    expect(runState({ job, run, last: null }, 1_000)).toBe('available');
    expect(runState({ job, run: { ...run, leased: true }, last: null }, 1_000)).toBe('executing');
    expect(runState({ job, run: { ...run, attempt: 2 }, last: null }, 500)).toBe('retryable');
    const last = { runId: run.id, status: 'success', attempt: 1, startedAt: 1, completedAt: 2 };
    expect(runState({ job: jobView({ status: 'completed' }), run: null, last }, 5)).toBe('completed');
    expect(runState({ job: jobView({ status: 'failed' }), run: null, last: { ...last, status: 'dead_letter' } }, 5)).toBe('discarded');
    expect(runState({ job: jobView({ status: 'cancelled' }), run: null, last: null }, 5)).toBe('cancelled');
  });
});

describe('Donutwork translation', () => {
  const example = { title: 'Sync CRM Contacts', method: 'POST', url: 'https://api.partner.com/sync', content_type: 'application/json', body: '{"scope":"daily"}', schedulation: ['08:00', '14:30'] };

  it("turns the document's job runner into a daily job with its content type and body", () => {
    expect(donutworkJobInput(example)).toEqual({
      name: 'Sync CRM Contacts',
      url: 'https://api.partner.com/sync',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"scope":"daily"}',
      schedule: { type: 'daily', times: ['08:00', '14:30'] },
    });
    expect(donutworkJobInput({ url: 'https://x.example', body: '', schedulation: ['01:00'] })).toEqual({ url: 'https://x.example', headers: {}, schedule: { type: 'daily', times: ['01:00'] } });
  });

  it('gives the documented error for a bad time, naming the value', () => {
    const input = { ...example, schedulation: ['08:00', '24:30'] };
    expect(donutworkError([{ field: 'schedule.times[1]', issue: 'must be a 24-hour time "HH:mm" from 00:00 to 23:59' }], input)).toBe('Invalid schedulation time "24:30". Use HH:mm format');
    expect(donutworkError([{ field: 'name', issue: 'too long' }], input)).toBe('jobrunner.title: too long');
    expect(donutworkError([{ field: 'headers.Content-Type', issue: 'bad' }], input)).toBe('jobrunner.content_type: bad');
    expect(donutworkError([{ field: 'schedule.times', issue: 'must list at most 48 times' }], input)).toBe('jobrunner.schedulation: must list at most 48 times');
  });

  it("lists jobs in the documented envelope", () => {
    const job = jobView({ id: '681f10', name: 'Sync CRM Contacts', url: 'https://api.partner.com/sync', headers: { 'Content-Type': 'application/json' }, body: '{"scope":"daily"}', schedule: { type: 'daily', times: ['08:00', '14:30'], timezone: 'UTC' } });
    expect(jobRunnerList([job], 1, 1, 50)).toEqual({
      entities: 'JobRunner',
      count: 1,
      per_page: 50,
      pages: { current: 1, max: 1 },
      elements: [{ id: '681f10', title: 'Sync CRM Contacts', method: 'POST', url: 'https://api.partner.com/sync', content_type: 'application/json', has_body: true, schedulation: ['08:00', '14:30'] }],
    });
    expect(jobRunnerList([], 0, 1, 50).pages).toEqual({ current: 1, max: 1 });
    expect(jobRunnerList([], 101, 3, 50).pages).toEqual({ current: 3, max: 3 });
  });

  it('answers a run as the document shows it', () => {
    const execution = { status: 'success', statusCode: 200, responseHeaders: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, responseBody: '{"ok":true}', durationMs: 122.45, error: null } as unknown as Execution;
    expect(runResult('681f10', execution)).toEqual({
      job_runner_id: '681f10',
      status: 'success',
      headers: ['HTTP/1.1 200 OK', 'content-type: application/json', 'set-cookie: a=1', 'set-cookie: b=2'],
      response: '{"ok":true}',
      ms: 122.45,
    });
    const refused = { status: 'failed', statusCode: null, responseHeaders: null, responseBody: null, durationMs: 3, error: 'connect ECONNREFUSED' } as unknown as Execution;
    expect(runResult('x', refused)).toEqual({ job_runner_id: 'x', status: 'failed', headers: [], response: 'connect ECONNREFUSED', ms: 3 });
  });
});
