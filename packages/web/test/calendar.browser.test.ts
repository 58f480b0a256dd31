import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { ensureDashboardBuilt, expectAccessible, launchChromium, screenshot } from './support/browser.js';

/**
 * The calendar's week view in Debian's Chromium against a real Kairos (SQLite), with weeks holding
 * more runs than one answer of the upcoming-runs API: every run of the week is drawn, and a week
 * too full to read whole says where its drawing stops. The browser runs in UTC, so a week has
 * 7 × 24 hours, and in British English, so an hour reads 23:00.
 */
describe('dashboard: the calendar week of many runs', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let sink: Sink;
  let browser: Browser;
  let page: Page;
  let apiKey: string;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    db = await createSqliteDatabase();
    sink = await startSink();
    [server, browser] = await Promise.all([spawnServer({ databaseUrl: db.url }), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC', locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const r = await fetch(`${server.url}/v1/auth/register-anonymous`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'planner' }) });
    apiKey = ((await r.json()) as { data: { apiKey: string } }).data.apiKey;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    await sink?.close();
    await db?.drop();
  });

  const createJob = async (name: string, schedule: unknown) => {
    const r = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, url: `${sink.url}/${name.replace(/\W/g, '-')}`, schedule }),
    });
    expect(r.status).toBe(201);
  };

  /** Next week's Monday (UTC), as the calendar's `day` parameter. */
  const nextMonday = () => {
    const now = new Date();
    const ahead = (8 - now.getUTCDay()) % 7 || 7;
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ahead)).toISOString().slice(0, 10);
  };

  const lane = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

  /** How many runs a lane's upcoming marks stand for: an hour's mark says its count, a lone run is one. */
  const upcomingCount = async (name: string) =>
    (await lane(name).locator('.mark.upcoming').evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label') ?? ''))).reduce((sum, label) => sum + Number(/^(\d+) upcoming/.exec(label)?.[1] ?? 1), 0);

  /** The colour of one pixel of an element as drawn, read back from a screenshot of it. */
  const pixels = async (selector: string, points: Array<[number, number]>) => {
    const png = (await page.locator(selector).first().screenshot()).toString('base64');
    return page.evaluate(
      async ({ png, points }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return points.map(([x, y]) => Array.from(ctx.getImageData(x < 0 ? img.width + x : x, y, 1, 1).data.slice(0, 3)));
      },
      { png, points },
    );
  };

  it('draws every run of a week with more runs than one page of the API', async () => {
    // 1440 runs a day, 10 080 in the week: ten pages of the API's 1000.
    await createJob('every minute', { type: 'cron', expression: '* * * * *', timezone: 'UTC' });
    await page.goto(`${server.url}/login`);
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();

    await page.goto(`${server.url}/calendar?view=week&day=${nextMonday()}`);
    await page.getByRole('table', { name: 'Runs by job and day' }).waitFor();
    // One mark for each hour of the week, standing for its 60 runs.
    await expect.poll(() => lane('every minute').locator('.mark.upcoming').count(), { timeout: 20_000 }).toBe(7 * 24);
    expect(await upcomingCount('every minute')).toBe(7 * 24 * 60);
    expect(await lane('every minute').locator('.mark.upcoming').last().getAttribute('aria-label')).toMatch(/^60 upcoming in the hour from Sun.*23:00/);
    expect(await page.locator('.cut-note').count()).toBe(0);
    await expectAccessible(page, 'the calendar week of many runs');
    await screenshot(page, '06c-calendar-week-full');
  });

  it('draws the line left of the first day as it does between days', async () => {
    const track = '.timeline.week .lane .lane-track';
    const width = (await page.locator(track).first().boundingBox())!.width;
    // Near the top, where no mark is: the first and the last column, and the middle of Monday.
    const [left, right, inside] = await pixels(track, [
      [0, 1],
      [-1, 1],
      [Math.round(width / 14), 1],
    ]);
    expect(left).not.toEqual(inside);
    for (const channel of [0, 1, 2]) expect(Math.abs(left![channel]! - right![channel]!)).toBeLessThanOrEqual(12);
  });

  it("says which days hold too many runs to read whole, and hatches the rest of each such day", async () => {
    // 17 280 more runs a day: more than the calendar reads of one day.
    await createJob('every five seconds', { type: 'interval', every: '5s' });
    await page.reload();
    const note = page.locator('.cut-note');
    await note.waitFor();
    // Each day's runs arrive on their own; in the end every day is named.
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    await expect
      .poll(async () => {
        const text = (await note.textContent()) ?? '';
        return days.filter((d) => !text.includes(d));
      }, { timeout: 20_000 })
      .toEqual([]);
    await expect.poll(() => lane('every minute').locator('.not-drawn').count(), { timeout: 20_000 }).toBe(7);
    // Only the first runs of each day are drawn, of both jobs.
    const drawn = await upcomingCount('every minute');
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThan(7 * 24 * 60);
    expect(await upcomingCount('every five seconds')).toBeGreaterThan(0);
    // Each day is drawn up to its cut and no further: no mark stands in the hatched rest of a day,
    // the mark of the hour that holds the cut included (it stands for runs before the cut only).
    for (const name of ['every minute', 'every five seconds']) {
      const beyond = await lane(name)
        .locator('.lane-track')
        .evaluate((track) => {
          const percent = (value: string) => Number(value.replace('%', ''));
          const hatched = Array.from(track.querySelectorAll<HTMLElement>('.not-drawn')).map((h) => [percent(h.style.left), 100 - percent(h.style.right)] as const);
          return Array.from(track.querySelectorAll<HTMLElement>('.mark.upcoming'))
            .filter((m) => hatched.some(([from, to]) => percent(m.style.left) > from && percent(m.style.left) < to))
            .map((m) => m.getAttribute('aria-label'));
        });
      expect(beyond, name).toEqual([]);
    }
    await expectAccessible(page, 'the calendar week too full to draw whole');
    await screenshot(page, '06d-calendar-week-cut');
  });
});
