import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { useTestServer } from '../support/server.js';

describe('POST /v1/schedules/preview and GET /v1/runs/upcoming on sqlite', () => {
  const t = useTestServer('sqlite', { project: 'preview' });

  const preview = (body: unknown) => t.api.request('POST', '/v1/schedules/preview', body);

  it('gives the next occurrences of a cron schedule in its time zone, in words', async () => {
    const r = await preview({ schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' }, count: 3, from: '2026-12-04T12:00:00Z' });
    expect(r.status).toBe(200);
    // Friday 4 December after 09:00 Berlin: Monday, Tuesday, Wednesday at 08:00 UTC (CET is UTC+1).
    expect(r.body.data).toEqual({
      description: 'every weekday at 09:00 (Europe/Berlin)',
      timezone: 'Europe/Berlin',
      occurrences: ['2026-12-07T08:00:00.000Z', '2026-12-08T08:00:00.000Z', '2026-12-09T08:00:00.000Z'],
    });
  });

  it('gives ten occurrences by default, and interval and daily forms as a job would run them', async () => {
    const interval = await preview({ schedule: { type: 'interval', every: '5m' }, from: '2026-12-04T12:00:00Z' });
    expect(interval.body.data.description).toBe('every 5 minutes');
    expect(interval.body.data.occurrences).toHaveLength(10);
    expect(interval.body.data.occurrences.slice(0, 2)).toEqual(['2026-12-04T12:05:00.000Z', '2026-12-04T12:10:00.000Z']);

    const daily = await preview({ schedule: { type: 'daily', times: ['14:30', '08:00'], timezone: 'UTC' }, count: 3, from: '2026-12-04T12:00:00Z' });
    expect(daily.body.data).toEqual({
      description: 'at 08:00 and 14:30 every day (UTC)',
      timezone: 'UTC',
      occurrences: ['2026-12-04T14:30:00.000Z', '2026-12-05T08:00:00.000Z', '2026-12-05T14:30:00.000Z'],
    });
  });

  it('previews a one-time schedule as its single instant', async () => {
    const r = await preview({ schedule: { type: 'once', at: '2027-01-01T00:00:00Z' }, count: 5 });
    expect(r.body.data).toEqual({ description: 'once at 2027-01-01 00:00 UTC', timezone: 'UTC', occurrences: ['2027-01-01T00:00:00.000Z'] });
  });

  it('refuses an invalid schedule with the field job creation names', async () => {
    const r = await preview({ schedule: { type: 'cron', expression: '61 * * * *' } });
    expect(r.status).toBe(422);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('schedule.expression');
    const created = await t.api.request('POST', '/v1/jobs', { url: `${t.sink.url}/x`, schedule: { type: 'cron', expression: '61 * * * *' } });
    expect(created.body.error.details).toEqual(r.body.error.details);

    const zone = await preview({ schedule: { type: 'daily', times: ['08:00'], timezone: 'Mars/Olympus' } });
    expect(zone.status).toBe(422);
    expect(zone.body.error.details[0].field).toBe('schedule.timezone');
  });

  it('bounds count and checks from', async () => {
    for (const count of [0, 51, 2.5]) {
      const r = await preview({ schedule: { type: 'interval', every: '1m' }, count });
      expect(r.status, String(count)).toBe(422);
      expect(r.body.error.details[0].field).toBe('count');
    }
    const r = await preview({ schedule: { type: 'interval', every: '1m' }, from: 'yesterday' });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].field).toBe('from');
    expect((await preview({ schedule: { type: 'interval', every: '1m' }, count: 50 })).body.data.occurrences).toHaveLength(50);
  });

  it('needs credentials', async () => {
    const r = await new Api(t.server.url).request('POST', '/v1/schedules/preview', { schedule: { type: 'interval', every: '1m' } });
    expect(r.status).toBe(401);
  });

  it("lists every active job's occurrences in a window, earliest first", async () => {
    const other = new Api(t.server.url);
    await other.register('upcoming');
    const now = Date.now();
    const hourly = await other.createJob({ name: 'hourly', url: `${t.sink.url}/h`, schedule: { type: 'interval', every: '1h' } });
    const once = await other.createJob({ name: 'once', url: `${t.sink.url}/o`, schedule: { type: 'once', at: new Date(now + 90 * 60_000).toISOString() } });
    const paused = await other.createJob({ name: 'paused', url: `${t.sink.url}/p`, schedule: { type: 'interval', every: '30m' } });
    expect((await other.request('POST', `/v1/jobs/${paused.id}/pause`)).status).toBe(200);

    const from = new Date(now).toISOString();
    const to = new Date(now + 4 * 3_600_000 - 30_000).toISOString();
    const r = await other.request('GET', `/v1/runs/upcoming?from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    expect(r.body.meta).toEqual({ from: new Date(now).toISOString(), to, truncated: false });
    expect(r.body.data.map((u: { jobName: string }) => u.jobName)).toEqual(['hourly', 'once', 'hourly', 'hourly']);
    const first = Date.parse(hourly.nextRunAt);
    expect(r.body.data.filter((u: { jobId: string }) => u.jobId === hourly.id).map((u: { at: string }) => Date.parse(u.at))).toEqual([first, first + 3_600_000, first + 7_200_000]);
    expect(r.body.data[1]).toEqual({ jobId: once.id, jobName: 'once', at: once.nextRunAt });

    const limited = await other.request('GET', `/v1/runs/upcoming?from=${from}&to=${to}&limit=2`);
    expect(limited.body.data.map((u: { jobName: string }) => u.jobName)).toEqual(['hourly', 'once']);
    expect(limited.body.meta.truncated).toBe(true);

    const one = await other.request('GET', `/v1/runs/upcoming?from=${from}&to=${to}&jobId=${once.id}`);
    expect(one.body.data).toEqual([{ jobId: once.id, jobName: 'once', at: once.nextRunAt }]);

    // The default window is the next 24 hours.
    const byDefault = await other.request('GET', '/v1/runs/upcoming');
    expect(byDefault.body.data.filter((u: { jobId: string }) => u.jobId === hourly.id)).toHaveLength(24);
  });

  it('refuses a window that is empty, reversed or longer than 31 days, and a bad limit', async () => {
    const from = '2026-12-01T00:00:00Z';
    const cases: [string, string][] = [
      [`from=${from}&to=2026-11-30T00:00:00Z`, 'to'],
      [`from=${from}&to=${from}`, 'to'],
      [`from=${from}&to=2027-01-02T00:00:01Z`, 'to'],
      ['from=soon', 'from'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
    ];
    for (const [query, field] of cases) {
      const r = await t.api.request('GET', `/v1/runs/upcoming?${query}`);
      expect(r.status, query).toBe(422);
      expect(r.body.error.details[0].field, query).toBe(field);
    }
    expect((await t.api.request('GET', `/v1/runs/upcoming?from=${from}&to=2027-01-01T00:00:00Z`)).status).toBe(200);
  });

  it('gives every job its schedule in words, and finds jobs by part of their URL', async () => {
    const job = await t.api.createJob({ name: 'Morning report', url: `${t.sink.url}/reports/daily-digest`, schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' } });
    expect(job.scheduleDescription).toBe('every weekday at 09:00 (Europe/Berlin)');
    expect((await t.api.request('GET', `/v1/jobs/${job.id}`)).body.data.scheduleDescription).toBe('every weekday at 09:00 (Europe/Berlin)');
    const byUrl = await t.api.request('GET', '/v1/jobs?q=DAILY-DIGEST');
    expect(byUrl.body.data.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const byName = await t.api.request('GET', '/v1/jobs?q=morning');
    expect(byName.body.data.map((j: { id: string }) => j.id)).toEqual([job.id]);
    // Sparklines take the list's filters, so they line up with the page shown.
    const lines = await t.api.request('GET', '/v1/jobs/sparklines?q=digest');
    expect(lines.body.data).toEqual([{ jobId: job.id, points: [] }]);
  });
});

describe.each(databaseKinds)('GET /v1/runs/upcoming across more jobs than one answer holds, on %s', (kind) => {
  const t = useTestServer(kind, { project: 'many upcoming' });
  const hourMs = 3_600_000;
  const dayMs = 86_400_000;

  interface Run {
    jobId: string;
    at: number;
  }
  const sooner = (a: Run, b: Run) => a.at - b.at || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
  const upcoming = async (from: number, to: number, limit: number) => {
    const r = await t.api.request('GET', `/v1/runs/upcoming?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&limit=${limit}`);
    expect(r.status).toBe(200);
    return { runs: (r.body.data as Array<{ jobId: string; at: string }>).map((u) => ({ jobId: u.jobId, at: Date.parse(u.at) })), truncated: r.body.meta.truncated as boolean };
  };

  it("gives the soonest runs of all the project's jobs, not of the 1 001 due soonest now", async () => {
    // A day that starts more than 24 hours from now, so that every hourly job is due before it.
    const day = Math.floor(Date.now() / dayMs) * dayMs + 2 * dayMs;
    // 1 100 jobs at minutes 1 to 59 of every hour: all due within the hour, before the day starts.
    const hourly = Array.from({ length: 1_100 }, (_, i) => 1 + (i % 59));
    const created: Array<{ id: string; minute?: number }> = [];
    for (let i = 0; i < hourly.length; i += 1_000) {
      const jobs = hourly.slice(i, i + 1_000).map((minute) => ({ url: `${t.sink.url}/hourly`, schedule: { type: 'cron', expression: `${minute} * * * *`, timezone: 'UTC' } }));
      const r = await t.api.request('POST', '/v1/jobs/batch', { jobs });
      expect(r.status).toBe(201);
      r.body.data.forEach((j: { id: string }, k: number) => created.push({ id: j.id, minute: hourly[i + k] }));
    }
    // Ten weekly jobs at the day's midnight: due after every hourly one, yet first in that day.
    const weekday = new Date(day).getUTCDay();
    const weekly = Array.from({ length: 10 }, () => ({ url: `${t.sink.url}/weekly`, schedule: { type: 'cron', expression: `0 0 * * ${weekday}`, timezone: 'UTC' } }));
    const r = await t.api.request('POST', '/v1/jobs/batch', { jobs: weekly });
    expect(r.status).toBe(201);
    for (const j of r.body.data as Array<{ id: string; nextRunAt: string }>) {
      expect(Date.parse(j.nextRunAt)).toBe(day);
      created.push({ id: j.id });
    }

    /** Every run in [from, to), as the schedules put them, soonest first. */
    const expected = (from: number, to: number): Run[] => {
      const runs: Run[] = [];
      for (const job of created) {
        if (job.minute === undefined) {
          for (let at = day; at < to; at += 7 * dayMs) if (at >= from) runs.push({ jobId: job.id, at });
        } else {
          for (let hour = Math.floor(from / hourMs) * hourMs; hour < to; hour += hourMs) {
            const at = hour + job.minute * 60_000;
            if (at >= from && at < to) runs.push({ jobId: job.id, at });
          }
        }
      }
      return runs.sort(sooner);
    };

    // The day's first hour, and the hour around its midnight, hold 1 110 runs each.
    for (const [from, to] of [
      [day, day + hourMs],
      [day - hourMs / 2, day + hourMs / 2],
    ] as const) {
      const all = expected(from, to);
      expect(all).toHaveLength(1_110);
      expect(await upcoming(from, to, 1_000), new Date(from).toISOString()).toEqual({ runs: all.slice(0, 1_000), truncated: true });
    }
    // Two hours from a little after now: every hourly job is due in the window, read soonest due
    // first. (The runs before `from` may fire meanwhile; none after it can in the time this takes.)
    const soon = Date.now() + 2 * 60_000;
    const twoHours = expected(soon, soon + 2 * hourMs);
    expect(twoHours).toHaveLength(2_200);
    expect(await upcoming(soon, soon + 2 * hourMs, 1_000)).toEqual({ runs: twoHours.slice(0, 1_000), truncated: true });

    // Truncated exactly when more runs lie in the window than were given.
    const midnight = expected(day, day + 1);
    expect(midnight).toHaveLength(10);
    expect(await upcoming(day, day + 1, 10)).toEqual({ runs: midnight, truncated: false });
    expect(await upcoming(day, day + 1, 9)).toEqual({ runs: midnight.slice(0, 9), truncated: true });

    // Read page after page as the dashboard's calendar does, each from the last page's last instant.
    const read = new Map<string, Run>();
    let from = day;
    for (;;) {
      const page = await upcoming(from, day + hourMs, 1_000);
      for (const run of page.runs) read.set(`${run.jobId}@${run.at}`, run);
      if (!page.truncated) break;
      from = page.runs.at(-1)!.at;
    }
    expect([...read.values()].sort(sooner)).toEqual(expected(day, day + hourMs));
  }, 120_000);
});
