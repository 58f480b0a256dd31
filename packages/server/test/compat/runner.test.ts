import { beforeAll, describe, expect, it } from 'vitest';
import { Api, type Arrival, databaseKinds } from '@kairos/testkit';
import { idOfUuid } from '../../src/api/compat/ids.js';
import { useSmtpSink } from '../support/smtp.js';
import { eventually, useTestServer } from '../support/server.js';
// The document's own verify(), unchanged (see the fixture).
import { verify } from './fixtures/runnerVerify.mjs';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isoMs = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const nativeId = (id: string) => idOfUuid('job', id)!;

/** Every field of Runner's "Create-job response", with its type. */
function expectRunnerJob(job: any) {
  expect(Object.keys(job).sort()).toEqual(['createdAt', 'destinationType', 'id', 'nextRunAt', 'runAt', 'runEvery', 'scheduleType', 'status', 'url'].sort());
  expect(job.id).toMatch(uuid);
  expect(['scheduled', 'paused', 'cancelled', 'completed', 'failed']).toContain(job.status);
  expect(['once', 'recurring']).toContain(job.scheduleType);
  expect(['http', 'slack', 'discord', 'telegram', 'email']).toContain(job.destinationType);
  expect(job.createdAt).toMatch(isoMs);
  if (job.nextRunAt !== null) expect(job.nextRunAt).toMatch(isoMs);
  if (job.scheduleType === 'once') {
    expect(job.runAt).toMatch(isoMs);
    expect(job.runEvery).toBeNull();
  } else {
    expect(job.runAt).toBeNull();
    expect(job.runEvery).not.toBeNull();
  }
}

describe.each(databaseKinds)('Runner dialect on %s', (kind) => {
  const mail = useSmtpSink();
  const t = useTestServer(kind, { config: () => ({ smtpUrl: mail.smtp.url }) });
  /** Runner's base URL: the document's https://runner.q1w2.dev. */
  let runner: Api;
  beforeAll(() => {
    runner = new Api(`${t.server.url}/compat/runner`, t.api.key);
  });

  const arrivalAt = (path: string) => eventually(() => t.sink.arrivals.find((a) => a.path === path), 15_000, `a delivery to ${path}`);

  describe("the document's requests, as written", () => {
    it('schedules the first job ("Schedule your first job") and answers the job object with a UUID', async () => {
      const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/welcome-email', runAt: Date.now() + 1000 * 60 * 60, payload: { userId: 'user_123' } });
      expect(r.status).toBe(201);
      expectRunnerJob(r.body);
      expect(r.body).toMatchObject({ url: 'https://myapp.com/api/welcome-email', status: 'scheduled', scheduleType: 'once', destinationType: 'http', runEvery: null });
      expect(r.body.nextRunAt).toBe(r.body.runAt);
      // The same job answers to its UUID and to its native id, here and in /v1.
      expect((await runner.request('GET', `/api/v1/jobs/${r.body.id}`)).body).toEqual(r.body);
      expect((await runner.request('GET', `/api/v1/jobs/${nativeId(r.body.id)}`)).body).toEqual(r.body);
      const native = await t.api.request('GET', `/v1/jobs/${nativeId(r.body.id)}`);
      expect(native.status).toBe(200);
      expect(native.body.data).toMatchObject({ url: 'https://myapp.com/api/welcome-email', method: 'POST', payload: { userId: 'user_123' }, status: 'active' });
    });

    it('takes runAt in one hour and at an exact instant ("One-time jobs")', async () => {
      const inAnHour = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/follow-up', runAt: Date.now() + 1000 * 60 * 60 });
      expect(inAnHour.status).toBe(201);
      expectRunnerJob(inAnHour.body);
      // The document's 2026-06-01 has passed: the same instant a year on.
      const exact = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/follow-up', runAt: '2027-06-01T09:00:00Z' });
      expect(exact.status).toBe(201);
      expect(exact.body).toMatchObject({ runAt: '2027-06-01T09:00:00.000Z', nextRunAt: '2027-06-01T09:00:00.000Z', scheduleType: 'once' });
    });

    it('reads a runAt without an offset as wall-clock time in timezone, or the server runtime time zone ("Timezones")', async () => {
      const berlin = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/follow-up', runAt: '2027-06-01T09:00:00', timezone: 'Europe/Berlin' });
      expect(berlin.status).toBe(201);
      expect(berlin.body).toMatchObject({ runAt: '2027-06-01T07:00:00.000Z', nextRunAt: '2027-06-01T07:00:00.000Z' });
      // JavaScript's Date reads a local date-time in the process's zone, which is the server's here.
      const local = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/follow-up', runAt: '2027-06-01T09:00' });
      expect(local.body.runAt).toBe(new Date(2027, 5, 1, 9, 0).toISOString());
      const withOffset = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/follow-up', runAt: '2027-06-01T09:00:00+05:00', timezone: 'Europe/Berlin' });
      expect(withOffset.body.runAt).toBe('2027-06-01T04:00:00.000Z');
    });

    it('takes a preset and a weekly schedule in a time zone ("Recurring jobs"), hour and minute defaulting to 0', async () => {
      const morning = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/digest', runEvery: 'morning', timezone: 'America/New_York' });
      expect(morning.status).toBe(201);
      expectRunnerJob(morning.body);
      expect(morning.body).toMatchObject({ scheduleType: 'recurring', runEvery: 'morning', runAt: null });
      const ny = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(morning.body.nextRunAt));
      expect(ny).toBe('08:00');

      const weekly = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/weekly-summary', runEvery: { day: 'monday', hour: 9, minute: 30 }, timezone: 'Europe/Berlin' });
      expect(weekly.status).toBe(201);
      expect(weekly.body.runEvery).toEqual({ day: 'monday', hour: 9, minute: 30 });
      const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'long', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(weekly.body.nextRunAt));
      expect(berlin).toBe('Monday 09:30');

      const defaults = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/weekly-summary', runEvery: { day: 'friday' }, timezone: 'UTC' });
      expect(defaults.body.runEvery).toEqual({ day: 'friday', hour: 0, minute: 0 });
      expect(new Date(defaults.body.nextRunAt).getUTCDay()).toBe(5);
      expect(defaults.body.nextRunAt).toMatch(/T00:00:00\.000Z$/);

      // "Available presets": each at its documented time of day (and day of the month).
      const lastDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      const documented: Record<string, (d: Date) => boolean> = {
        midnight: (d) => d.toISOString().endsWith('T00:00:00.000Z'),
        evening: (d) => d.toISOString().endsWith('T18:00:00.000Z'),
        startOfMonth: (d) => d.getUTCDate() === 1 && d.toISOString().endsWith('T00:00:00.000Z') && d.getTime() > Date.now(),
        endOfMonth: (d) => d.getUTCDate() === lastDay(d) && d.toISOString().endsWith('T23:59:00.000Z'),
      };
      for (const [preset, fits] of Object.entries(documented)) {
        const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/digest', runEvery: preset, timezone: 'UTC' });
        expect(r.status, preset).toBe(201);
        expect(r.body.runEvery).toBe(preset);
        expect(fits(new Date(r.body.nextRunAt)), `${preset} at ${r.body.nextRunAt}`).toBe(true);
        expect(new Date(r.body.nextRunAt).getTime() - Date.now()).toBeLessThanOrEqual(31 * 86_400_000);
      }
    });

    it('reads a field sent as null as not given, as a client that sends every field does', async () => {
      const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/nulls', destination: null, runAt: Date.now() + 3_600_000, runEvery: null, timezone: null, payload: null, onComplete: null });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ scheduleType: 'once', destinationType: 'http' });
      const native = await t.api.request('GET', `/v1/jobs/${nativeId(r.body.id)}`);
      expect(native.body.data).toMatchObject({ url: 'https://myapp.com/api/nulls', onComplete: null });
      expect(native.body.data.payload ?? null).toBeNull();
    });

    it('without timezone, a recurring schedule follows the server runtime time zone', async () => {
      const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/digest', runEvery: 'evening' });
      expect(r.status).toBe(201);
      const native = await t.api.request('GET', `/v1/jobs/${nativeId(r.body.id)}`);
      expect(native.body.data.schedule.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    });

    it('sends an invoice payload ("HTTP requests")', async () => {
      const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/send-invoice', runAt: '2027-06-01T10:00:00Z', payload: { invoiceId: 'inv_456', customerId: 'cust_789', amount: 2999 } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ destinationType: 'http', runAt: '2027-06-01T10:00:00.000Z' });
    });

    it('takes the four built-in destinations ("Built-in destinations")', async () => {
      const slack = await runner.request('POST', '/api/v1/jobs', { destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' }, runEvery: 'morning', payload: { text: 'Daily digest ready' } });
      expect(slack.status).toBe(201);
      expectRunnerJob(slack.body);
      expect(slack.body).toMatchObject({ destinationType: 'slack', url: null, scheduleType: 'recurring' });

      const discord = await runner.request('POST', '/api/v1/jobs', { destination: { type: 'discord', webhookUrl: 'https://discord.com/api/webhooks/123/abc' }, runAt: Date.now() + 60_000, payload: { content: 'Build complete' } });
      expect(discord.status).toBe(201);
      expect(discord.body).toMatchObject({ destinationType: 'discord', scheduleType: 'once' });
      // It would reach discord.com within the minute: cancelled, as tests only talk to loopback.
      expect((await runner.request('DELETE', `/api/v1/jobs/${discord.body.id}`)).body.status).toBe('cancelled');

      const telegram = await runner.request('POST', '/api/v1/jobs', { destination: { type: 'telegram', botToken: '123:ABC', chatId: '-100123456' }, runEvery: 'evening', payload: { text: 'Daily summary' } });
      expect(telegram.status).toBe(201);
      expect(telegram.body.destinationType).toBe('telegram');

      const email = await runner.request('POST', '/api/v1/jobs', { destination: { type: 'email', to: 'user@example.com', subject: 'Your monthly report' }, runEvery: 'startOfMonth', payload: { html: '<p>Report ready.</p>' } });
      expect(email.status).toBe(201);
      expect(email.body).toMatchObject({ destinationType: 'email', runEvery: 'startOfMonth' });

      const noText = await runner.request('POST', '/api/v1/jobs', { destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/x' }, runEvery: 'morning', payload: {} });
      expect(noText.status).toBe(400);
      expect(noText.body.error).toMatch(/payload\.text/);
    });

    it('takes onComplete ("Completion jobs")', async () => {
      const r = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/generate-invoice', runAt: '2027-06-01T10:00:00Z', payload: { invoiceId: 'inv_456' }, onComplete: 'https://myapp.com/api/send-receipt' });
      expect(r.status).toBe(201);
      const native = await t.api.request('GET', `/v1/jobs/${nativeId(r.body.id)}`);
      expect(native.body.data.onComplete).toBe('https://myapp.com/api/send-receipt');
    });

    it('answers the fetch example with 201, and a repeat of its Idempotency-Key with 200 and the same job whatever the body ("Idempotency")', async () => {
      const send = (body: unknown) =>
        fetch(`${t.server.url}/compat/runner/api/v1/jobs`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${t.api.key}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'welcome-email-user_123' },
          body: JSON.stringify(body),
        });
      const response = await send({ url: 'https://myapp.com/api/welcome-email', runAt: Date.now() + 3600000, payload: { userId: 'user_123' } });
      expect(response.status).toBe(201);
      const job = (await response.json()) as any;
      expectRunnerJob(job);
      const again = await send({ url: 'https://myapp.com/api/welcome-email', runAt: Date.now() + 3600000, payload: { userId: 'user_123' } });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(job);
      const other = await send({ url: 'https://myapp.com/api/other', runEvery: 'morning' });
      expect(other.status).toBe(200);
      expect(((await other.json()) as any).id).toBe(job.id);
      // A retry whose instant has passed since (or any other rule of the service broken) is still that job.
      const late = await send({ url: 'https://myapp.com/api/welcome-email', runAt: '2020-01-01T00:00:00Z', payload: { userId: 'user_123' } });
      expect(late.status).toBe(200);
      expect(((await late.json()) as any).id).toBe(job.id);
      // Keys are scoped to the project: another project's key makes its own job.
      const elsewhere = new Api(t.server.url);
      await elsewhere.register('other');
      const theirs = await new Api(`${t.server.url}/compat/runner`, elsewhere.key).request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/welcome-email', runAt: Date.now() + 3600000 }, { 'Idempotency-Key': 'welcome-email-user_123' });
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(job.id);
    });
  });

  describe('invalid input: 400 and { error } naming the field', () => {
    const bad = async (body: unknown, field: RegExp) => {
      const r = await runner.request('POST', '/api/v1/jobs', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(r.body)).toEqual(['error']);
      expect(typeof r.body.error).toBe('string');
      expect(r.body.error).toMatch(field);
    };

    it('refuses past and invalid dates, missing or doubled schedules and targets, unknown presets', async () => {
      await bad({ url: 'https://myapp.com/a', runAt: '2020-01-01T00:00:00Z' }, /^runAt: is in the past/);
      await bad({ url: 'https://myapp.com/a', runAt: Date.now() - 1000 }, /^runAt: is in the past/);
      await bad({ url: 'https://myapp.com/a', runAt: 'next tuesday' }, /^runAt: /);
      await bad({ url: 'https://myapp.com/a', runAt: '2027-02-30T09:00' }, /^runAt: /);
      await bad({ url: 'https://myapp.com/a', runAt: '2020-06-01T09:00:00', timezone: 'Europe/Berlin' }, /^runAt: is in the past/);
      await bad({ url: 'https://myapp.com/a', runAt: '2027-06-01T09:00:00', timezone: 'Mars/Olympus' }, /^timezone: is not a known IANA time zone/);
      await bad({ url: 'https://myapp.com/a', runAt: true }, /^runAt: must be an ISO-8601 date-time or epoch milliseconds/);
      await bad({ url: 'https://myapp.com/a', runAt: { at: 1 } }, /^runAt: must be an ISO-8601 date-time or epoch milliseconds/);
      await bad({ url: 'https://myapp.com/a', runEvery: 5 }, /^runEvery: must be one of midnight/);
      await bad({ url: 'https://myapp.com/a', runEvery: {} }, /^runEvery\.day: is required/);
      await bad({ url: 'https://myapp.com/a', runEvery: { day: 'monday', hour: '9' } }, /^runEvery\.hour: must be a whole number from 0 to 23/);
      await bad({ url: 'https://myapp.com/a', runEvery: { day: 'monday', minute: 7.5 } }, /^runEvery\.minute: must be a whole number from 0 to 59/);
      await bad({ url: 'https://myapp.com/a' }, /^runAt: is required/);
      await bad({ url: 'https://myapp.com/a', runAt: Date.now() + 60_000, runEvery: 'morning' }, /^runAt: give either runAt or runEvery/);
      await bad({ runAt: Date.now() + 60_000 }, /^url: is required/);
      await bad({ url: 'https://myapp.com/a', destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/x' }, runEvery: 'morning' }, /^url: give either/);
      await bad({ url: 'https://myapp.com/a', runEvery: 'hourly' }, /^runEvery: must be one of midnight, morning, evening, startOfMonth, endOfMonth/);
      await bad({ url: 'https://myapp.com/a', runEvery: { day: 'someday' } }, /^runEvery\.day: /);
      await bad({ url: 'https://myapp.com/a', runEvery: { day: 'monday', hour: 24 } }, /^runEvery\.hour: /);
      await bad({ url: 'https://myapp.com/a', runEvery: 'morning', timezone: 'Mars/Olympus' }, /^timezone: /);
      await bad({ url: 'ftp://myapp.com/a', runEvery: 'morning' }, /^url: must use http or https/);
      await bad({ url: 'https://user:pw@myapp.com/a', runEvery: 'morning' }, /^url: must not contain credentials/);
      await bad({ url: 'http://10.0.0.1/a', runEvery: 'morning' }, /^url: must resolve to a public address/);
      await bad({ url: 'https://myapp.com/a', runEvery: 'morning', onComplete: 'http://192.168.1.1/x' }, /^onComplete: must resolve to a public address/);
      await bad({ url: 'https://myapp.com/a', runEvery: 'morning', payload: 'text' }, /^payload: must be object or null$/);
      await bad({ url: null, runEvery: 'morning' }, /^url: is required/);
      await bad({ url: 'https://myapp.com/a', runEvery: 'morning', priority: 1 }, /^priority: is not a known field/);
    });

    it('refuses a body over 256 KiB with 413, malformed JSON and other media types with 400', async () => {
      const big = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning', payload: { blob: 'x'.repeat(256 * 1024) } });
      expect(big.status).toBe(413);
      expect(big.body.error).toMatch(/larger than the 262144 bytes/);
      const justUnder = await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning', payload: { blob: 'x'.repeat(200 * 1024) } });
      expect(justUnder.status).toBe(201);
      const malformed = await runner.request('POST', '/api/v1/jobs', '{"url": ', { 'content-type': 'application/json' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatch(/not valid JSON/);
      const text = await runner.request('POST', '/api/v1/jobs', 'url=x', { 'content-type': 'text/plain' });
      expect(text.status).toBe(400);
      expect(text.body).toEqual({ error: 'Send the body as application/json.' });
    });

    it('answers 401 without a valid key, 404 for an unknown job or route, all as { error }', async () => {
      const anonymous = new Api(`${t.server.url}/compat/runner`);
      const noKey = await anonymous.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning' });
      expect(noKey.status).toBe(401);
      expect(Object.keys(noKey.body)).toEqual(['error']);
      const wrongKey = await new Api(`${t.server.url}/compat/runner`, 'kr_live_nope').request('GET', '/api/v1/jobs');
      expect(wrongKey.status).toBe(401);
      expect(typeof wrongKey.body.error).toBe('string');
      const missing = await runner.request('GET', '/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000');
      expect(missing.status).toBe(404);
      expect(typeof missing.body.error).toBe('string');
      // Errors the router raises before any route runs: in Runner's shape too.
      const escape = await runner.request('GET', '/api/v1/jobs/%E0%A4%A');
      expect(escape.status).toBe(400);
      expect(escape.body).toEqual({ error: 'The URL path is not valid (check its %-escapes).' });
      const long = await runner.request('POST', `/api/v1/jobs/${'a'.repeat(101)}/pause`);
      expect(long.status).toBe(414);
      expect(Object.keys(long.body)).toEqual(['error']);
      const route = await runner.request('GET', '/api/v2/jobs');
      expect(route.status).toBe(404);
      expect(route.body).toEqual({ error: 'No route for GET /compat/runner/api/v2/jobs.' });
      // /v1 keeps its own envelope.
      const native = await t.api.request('GET', '/v1/nothing-here');
      expect(native.body.error.code).toBe('not_found');
    });
  });

  describe('cancel, pause and resume ("Cancel, pause, and resume")', () => {
    it('pauses only a scheduled job, resumes a one-time job at its instant, cancels for good', async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/x', runAt: '2027-06-01T10:00:00Z' })).body;
      const paused = await runner.request('POST', `/api/v1/jobs/${job.id}/pause`);
      expect(paused.status).toBe(200);
      expectRunnerJob(paused.body);
      expect(paused.body).toMatchObject({ id: job.id, status: 'paused', nextRunAt: null });
      const twice = await runner.request('POST', `/api/v1/jobs/${job.id}/pause`);
      expect(twice.status).toBe(409);
      // Named by the id its client knows.
      expect(twice.body).toEqual({ error: `Job ${job.id} is already paused.` });
      const resumed = await runner.request('POST', `/api/v1/jobs/${job.id}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ status: 'scheduled', nextRunAt: '2027-06-01T10:00:00.000Z', runAt: '2027-06-01T10:00:00.000Z' });
      const notPaused = await runner.request('POST', `/api/v1/jobs/${job.id}/resume`);
      expect(notPaused.status).toBe(409);

      const cancelled = await runner.request('DELETE', `/api/v1/jobs/${job.id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: job.id, status: 'cancelled', nextRunAt: null });
      expect((await runner.request('GET', `/api/v1/jobs/${job.id}`)).body.status).toBe('cancelled');
      expect((await runner.request('POST', `/api/v1/jobs/${job.id}/pause`)).status).toBe(409);
      expect((await runner.request('POST', `/api/v1/jobs/${job.id}/resume`)).status).toBe(409);
      expect((await runner.request('DELETE', `/api/v1/jobs/${job.id}`)).status).toBe(409);
      expect((await t.api.request('GET', `/v1/jobs/${nativeId(job.id)}`)).body.data.status).toBe('cancelled');
    });

    it('takes pause, resume and cancel from a client that sends Content-Type: application/json and no body', async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/x', runAt: '2027-06-01T10:00:00Z' })).body;
      const json = { 'content-type': 'application/json' };
      expect((await runner.request('POST', `/api/v1/jobs/${job.id}/pause`, undefined, json)).body.status).toBe('paused');
      expect((await runner.request('POST', `/api/v1/jobs/${job.id}/resume`, undefined, json)).body.status).toBe('scheduled');
      expect((await runner.request('DELETE', `/api/v1/jobs/${job.id}`, undefined, json)).body.status).toBe('cancelled');
      // A create still needs its body.
      const empty = await runner.request('POST', '/api/v1/jobs', undefined, json);
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ error: 'The body is empty; send a JSON object.' });
    });

    it('resumes a recurring job at its next occurrence from now', async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/x', runEvery: 'morning', timezone: 'UTC' })).body;
      await runner.request('POST', `/api/v1/jobs/${job.id}/pause`);
      const resumed = (await runner.request('POST', `/api/v1/jobs/${job.id}/resume`)).body;
      expect(resumed.status).toBe('scheduled');
      const next = new Date(resumed.nextRunAt).getTime();
      expect(next).toBeGreaterThan(Date.now());
      expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
      expect(resumed.nextRunAt).toMatch(/T08:00:00\.000Z$/);
    });

    it('runs at once a one-time job resumed after its instant passed', async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/late`, runAt: Date.now() + 1000, payload: { late: true } })).body;
      // Paused once the engine holds the run it claimed at creation, then left past its instant.
      await new Promise((r) => setTimeout(r, 300));
      await runner.request('POST', `/api/v1/jobs/${job.id}/pause`);
      await new Promise((r) => setTimeout(r, 1200));
      expect(t.sink.arrivals.some((a) => a.path === '/late')).toBe(false);
      await runner.request('POST', `/api/v1/jobs/${job.id}/resume`);
      await arrivalAt('/late');
      await eventually(async () => ((await runner.request('GET', `/api/v1/jobs/${job.id}`)).body.status === 'completed' ? true : undefined));
    });
  });

  describe("delivery in Runner's style", () => {
    let secret: string;

    beforeAll(async () => {
      const r = await t.api.request('POST', '/v1/signing-secrets');
      expect(r.status).toBe(201);
      secret = r.body.data.secret;
    });

    it("POSTs the payload as JSON with Runner's User-Agent and an X-Runner-Signature the document's verify() accepts", async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/signed`, runAt: Date.now() + 300, payload: { invoiceId: 'inv_456', amount: 2999 } })).body;
      const a = await arrivalAt('/signed');
      expect(a.method).toBe('POST');
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.headers['user-agent']).toBe('Runner/1.0');
      expect(JSON.parse(a.body)).toEqual({ invoiceId: 'inv_456', amount: 2999 });
      const header = a.headers['x-runner-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(a.body, header, secret)).toBe(true);
      expect(verify(`${a.body} `, header, secret)).toBe(false);
      expect(verify(a.body, header, `${secret}x`)).toBe(false);
      // The native headers are there too.
      expect(a.headers['webhook-signature']).toMatch(/^v1,/);
      await eventually(async () => ((await runner.request('GET', `/api/v1/jobs/${job.id}`)).body.status === 'completed' ? true : undefined));
      // An ordinary Kairos job: its delivery is in /v1's history, with Runner's request headers.
      const history = await t.api.request('GET', `/v1/jobs/${nativeId(job.id)}/executions`);
      expect(history.status).toBe(200);
      expect(history.body.data).toHaveLength(1);
      expect(history.body.data[0]).toMatchObject({ status: 'success', statusCode: 200, attempt: 1, triggeredBy: 'schedule', request: { method: 'POST', body: a.body } });
      expect(history.body.data[0].request.headers['User-Agent'] ?? history.body.data[0].request.headers['user-agent']).toBe('Runner/1.0');
    });

    it('is accepted by a receiver that checks each request with verify() and answers 401 when it fails', async () => {
      t.sink.respond = (a: Arrival) => (a.path === '/receiver' ? { status: verify(a.body, String(a.headers['x-runner-signature']), secret) ? 200 : 401 } : {});
      const job = (await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/receiver`, runAt: Date.now() + 300, payload: { receipt: 'r_1' } })).body;
      const done = await eventually(async () => {
        const r = (await runner.request('GET', `/api/v1/jobs/${job.id}`)).body;
        return r.status !== 'scheduled' ? r : undefined;
      });
      expect(done.status).toBe('completed');
      const history = await t.api.request('GET', `/v1/jobs/${nativeId(job.id)}/executions`);
      expect(history.body.data.map((e: { statusCode: number }) => e.statusCode)).toEqual([200]);
      t.sink.respond = () => ({});
    });

    it('sends no X-Runner-Signature for an empty body, still as JSON', async () => {
      await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/empty`, runAt: Date.now() + 300 });
      const a = await arrivalAt('/empty');
      expect(a).toMatchObject({ method: 'POST', body: '' });
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.headers['user-agent']).toBe('Runner/1.0');
      expect(a.headers['x-runner-signature']).toBeUndefined();
    });

    it("delivers a job's onComplete follow-up in the same style, with the original payload", async () => {
      await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/generate-invoice`, runAt: Date.now() + 300, payload: { invoiceId: 'inv_456' }, onComplete: `${t.sink.url}/send-receipt` });
      await arrivalAt('/generate-invoice');
      const a = await arrivalAt('/send-receipt');
      expect(JSON.parse(a.body)).toEqual({ invoiceId: 'inv_456' });
      expect(a.headers['user-agent']).toBe('Runner/1.0');
      expect(verify(a.body, a.headers['x-runner-signature'] as string, secret)).toBe(true);
    });

    it("delivers jobs made through Runner's inbound URL in its style; /v1's jobs keep Kairos's", async () => {
      const hook = await t.api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/inbound-target` });
      expect(hook.status).toBe(201);
      const slug = hook.body.data.slug;
      // The document's curl, with the host replaced.
      const res = await fetch(`${t.server.url}/compat/runner/api/v1/inbound/${slug}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{ "event": "payment.completed", "amount": 2999 }',
      });
      expect(res.status).toBe(202);
      const accepted = (await res.json()) as any;
      expect(accepted.id).toMatch(uuid);
      const a = await arrivalAt('/inbound-target');
      expect(JSON.parse(a.body)).toEqual({ event: 'payment.completed', amount: 2999 });
      expect(a.headers['user-agent']).toBe('Runner/1.0');
      expect(verify(a.body, a.headers['x-runner-signature'] as string, secret)).toBe(true);
      expect((await runner.request('GET', `/api/v1/jobs/${accepted.id}`)).status).toBe(200);

      // The same webhook through /v1's door: Kairos's own style.
      await t.api.request('POST', `/v1/inbound/${slug}`, { via: 'v1' });
      const native = await eventually(() => t.sink.arrivals.find((x) => x.path === '/inbound-target' && x.body.includes('v1')));
      expect(native.headers['user-agent']).toMatch(/^Kairos\//);
      expect(native.headers['x-runner-signature']).toBeUndefined();

      const unknown = await fetch(`${t.server.url}/compat/runner/api/v1/inbound/wh_nope`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(unknown.status).toBe(404);
      expect(Object.keys((await unknown.json()) as object)).toEqual(['error']);
    });

    it('signs with the newest secret during a rotation', async () => {
      const rotated = await t.api.request('POST', '/v1/signing-secrets/rotate');
      expect(rotated.status).toBe(201);
      const newest = rotated.body.data.secret as string;
      await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/rotated`, runAt: Date.now() + 300, payload: { n: 1 } });
      const a = await arrivalAt('/rotated');
      expect(verify(a.body, a.headers['x-runner-signature'] as string, newest)).toBe(true);
      expect(verify(a.body, a.headers['x-runner-signature'] as string, secret)).toBe(false);
      secret = newest;
    });

    it("keeps the style when the job is changed through /v1, and retries with Runner's policy (30 s, 2 min, 8 min)", async () => {
      t.sink.respond = (arrival: Arrival) => (arrival.path === '/failing' ? { status: 500 } : {});
      const job = (await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/elsewhere`, runAt: Date.now() + 60_000, payload: { p: 1 } })).body;
      const changed = await t.api.request('PATCH', `/v1/jobs/${nativeId(job.id)}`, { url: `${t.sink.url}/failing`, schedule: { type: 'once', delay: 200 } });
      expect(changed.status).toBe(200);
      expect(changed.body.data.retryPolicy).toEqual({ maxRetries: 3, strategy: 'exponential', initialDelayMs: 30_000, multiplier: 4, maxDelayMs: 480_000 });
      const a = await arrivalAt('/failing');
      expect(a.headers['user-agent']).toBe('Runner/1.0');
      const after = await eventually(async () => {
        const r = (await runner.request('GET', `/api/v1/jobs/${job.id}`)).body;
        return r.nextRunAt !== null && new Date(r.nextRunAt).getTime() > a.at + 20_000 ? r : undefined;
      });
      // The first retry is due 30 s after the failed attempt; the job is still scheduled.
      expect(after.status).toBe('scheduled');
      expect(new Date(after.nextRunAt).getTime() - a.at).toBeGreaterThan(28_000);
      expect(new Date(after.nextRunAt).getTime() - a.at).toBeLessThan(32_000);
      await runner.request('DELETE', `/api/v1/jobs/${job.id}`);
      t.sink.respond = () => ({});
    });
  });

  describe('a one-time job whose retries are spent', () => {
    it('is failed, with every attempt in /v1', async () => {
      t.sink.respond = (arrival: Arrival) => (arrival.path === '/spent' ? { status: 500 } : {});
      const job = (await runner.request('POST', '/api/v1/jobs', { url: `${t.sink.url}/spent`, runAt: Date.now() + 60_000, payload: { p: 1 } })).body;
      // Runner's 30 s, 2 min and 8 min made quick through /v1 (any door may change a job); three retries still.
      const quick = await t.api.request('PATCH', `/v1/jobs/${nativeId(job.id)}`, { retryPolicy: { maxRetries: 3, strategy: 'fixed', initialDelayMs: 50 }, schedule: { type: 'once', delay: 100 } });
      expect(quick.status).toBe(200);
      const failed = await eventually(async () => {
        const r = (await runner.request('GET', `/api/v1/jobs/${job.id}`)).body;
        return r.status === 'failed' ? r : undefined;
      }, 15_000, 'the job to fail');
      expectRunnerJob(failed);
      expect(failed.nextRunAt).toBeNull();
      expect(t.sink.arrivals.filter((a) => a.path === '/spent')).toHaveLength(4);
      const history = await t.api.request('GET', `/v1/jobs/${nativeId(job.id)}/executions`);
      expect(history.body.data.map((e: { attempt: number; status: string }) => [e.attempt, e.status]).sort()).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
        [4, 'dead_letter'],
      ]);
      expect((await runner.request('POST', `/api/v1/jobs/${job.id}/pause`)).status).toBe(409);
      t.sink.respond = () => ({});
    });
  });

  describe('one job, every door', () => {
    it('shows a Runner job in /v1 and Booper, and a /v1 job in Runner; any project key works', async () => {
      const job = (await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/api/any', runAt: '2027-06-01T10:00:00Z', payload: { a: 1 } })).body;
      const booper = await new Api(`${t.server.url}/compat/booper`, t.api.key).request('GET', `/api/jobs/${job.id}`);
      expect(booper.status).toBe(200);
      expect(booper.body.data).toMatchObject({ id: job.id, args: { url: 'https://myapp.com/api/any', method: 'post', body: { a: 1 } } });
      await t.api.request('POST', `/v1/jobs/${nativeId(job.id)}/pause`);
      expect((await runner.request('GET', `/api/v1/jobs/${job.id}`)).body.status).toBe('paused');

      const native = await t.api.createJob({ url: 'https://myapp.com/api/native', schedule: { type: 'cron', expression: '*/5 * * * *' } });
      const seen = await runner.request('GET', `/api/v1/jobs/${native.id}`);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ scheduleType: 'recurring', runEvery: { type: 'cron', expression: '*/5 * * * *' } });
      expect(nativeId(seen.body.id)).toBe(native.id);
      const list = await runner.request('GET', '/api/v1/jobs?limit=100');
      expect(list.status).toBe(200);
      expect(list.body.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining([job.id, seen.body.id]));

      const writer = await t.api.request('POST', '/v1/api-keys', { name: 'writer', scopes: ['write'] });
      const asWriter = new Api(`${t.server.url}/compat/runner`, writer.body.data.key);
      expect((await asWriter.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning' })).status).toBe(201);
      expect((await asWriter.request('GET', `/api/v1/jobs/${job.id}`)).status).toBe(200);
      const reader = await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
      const asReader = new Api(`${t.server.url}/compat/runner`, reader.body.data.key);
      expect((await asReader.request('GET', `/api/v1/jobs/${job.id}`)).status).toBe(200);
      const refused = await asReader.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning' });
      expect(refused.status).toBe(403);
      expect(typeof refused.body.error).toBe('string');
    });
  });

  describe('rate limits', () => {
    it('accepts 100 create-job requests a minute per API key, then 429 with Retry-After', async () => {
      const key = await t.api.request('POST', '/v1/api-keys', { name: 'burst', scopes: ['write'] });
      const burst = new Api(`${t.server.url}/compat/runner`, key.body.data.key);
      // Invalid bodies: counted all the same, and nothing is made.
      const statuses = await Promise.all(Array.from({ length: 100 }, () => burst.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a' }).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([400]));
      const over = await burst.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning' });
      expect(over.status).toBe(429);
      expect(Object.keys(over.body)).toEqual(['error']);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // Reads are not creates; the project's other keys have their own count.
      expect((await burst.request('GET', '/api/v1/jobs')).status).toBe(200);
      expect((await runner.request('POST', '/api/v1/jobs', { url: 'https://myapp.com/a', runEvery: 'morning' })).status).toBe(201);
    });

    it('accepts 60 requests a minute per inbound URL, then 429', async () => {
      const hook = await t.api.request('POST', '/v1/inbound-webhooks', { targetUrl: `${t.sink.url}/flood`, delayMs: 3_600_000 });
      const url = `${t.server.url}/compat/runner/api/v1/inbound/${hook.body.data.slug}`;
      const post = () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"n":1}' });
      const statuses = [];
      for (let i = 0; i < 60; i++) statuses.push((await post()).status);
      expect(new Set(statuses)).toEqual(new Set([202]));
      const over = await post();
      expect(over.status).toBe(429);
      expect(Object.keys((await over.json()) as object)).toEqual(['error']);
      const big = await fetch(url.replace(hook.body.data.slug, 'wh_other'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ b: 'x'.repeat(256 * 1024) }) });
      expect(big.status).toBe(413);
    });
  });
});
