import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { ensureDashboardBuilt, expectAccessible, launchChromium, screenshot } from './support/browser.js';

/**
 * The dashboard in Debian's Chromium against a real Kairos (SQLite) and a real sink: sign up,
 * create a recurring job with the form, see its first run arrive live, open it, replay it,
 * pause and resume, bulk-pause, filter, view the calendar, switch theme.
 */
describe('dashboard: jobs, runs and live updates', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let sink: Sink;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    db = await createSqliteDatabase();
    sink = await startSink();
    sink.respond = (a) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ received: a.path, ok: true }) });
    [server, browser] = await Promise.all([spawnServer({ databaseUrl: db.url }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // Generous for a CI machine running the whole suite at once; a passing step takes well under a second.
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    await sink?.close();
    await db?.drop();
  });

  /** A bearer for setting up data from the test: the dashboard's own session. */
  const bearer = async () => {
    const s = await page.evaluate(() => JSON.parse(localStorage.getItem('kairos.session') ?? 'null') as { accessToken: string; projectId: string });
    return { authorization: `Bearer ${s.accessToken}`, 'kairos-project': s.projectId, 'content-type': 'application/json' };
  };

  it('signs up, creates a recurring job with a live preview, and sees its first run arrive without a reload', async () => {
    await page.goto(server.url);
    await page.waitForURL('**/login');
    await expectAccessible(page, 'the sign-in page');
    await screenshot(page, '01-login');

    await page.getByRole('tab', { name: 'Sign up' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('No jobs yet').waitFor();
    await expect.poll(() => page.getByRole('status', { name: /Live updates/ }).textContent()).toContain('live');

    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Name', { exact: true }).fill('heartbeat');
    await page.getByLabel('URL', { exact: true }).fill(`${sink.url}/beat`);
    await page.getByLabel('Payload', { exact: true }).fill('{"ping": true}');
    await page.getByLabel('Repeat').selectOption('interval');
    await page.getByLabel('Every', { exact: true }).fill('4s');
    // The preview follows the form: the API's description and next occurrences.
    await page.getByText('Runs every 4 seconds').waitFor();
    expect(await page.locator('.preview li').count()).toBe(5);
    await page.getByLabel('Every', { exact: true }).fill('0.1s');
    await page.locator('.preview .field-error').waitFor();
    await page.getByLabel('Every', { exact: true }).fill('4s');
    await page.getByText('Runs every 4 seconds').waitFor();
    await expectAccessible(page, 'the job form');
    await screenshot(page, '02-job-form');

    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: /heartbeat/ }).waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    // The first run reaches the sink and shows in the table through the stream, with no reload.
    await sink.waitFor(1, 15_000);
    const firstRun = page.getByRole('table', { name: 'Upcoming and past runs' }).getByText('success').first();
    await firstRun.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.locator('tr.upcoming').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'the job page');
    await screenshot(page, '03-job');
  });

  it("opens an attempt, sees the sink's response pretty-printed, and replays it", async () => {
    await page.getByRole('table', { name: 'Upcoming and past runs' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: /Attempt 1/ }).waitFor();
    const body = page.getByLabel('Response body');
    await expect.poll(() => body.textContent()).toContain('"received": "/beat"');
    expect(await page.getByText('"ping": true').count()).toBe(1);
    await expectAccessible(page, 'the attempt page');
    await screenshot(page, '04-execution');

    const before = sink.arrivals.length;
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Replay queued').waitFor();
    await sink.waitFor(before + 1);
  });

  it('pauses and resumes the job, then bulk-pauses two jobs from the list and filters it', async () => {
    await page.getByRole('link', { name: /← Job/ }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.locator('h1 .badge-paused').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('h1 .badge-active').waitFor();

    // A test run answers at once with the attempt (?wait=true).
    await page.getByRole('button', { name: 'Test run' }).click();
    const result = page.getByRole('status', { name: 'Test run result' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/success\s*200/);

    // Editing keeps what is not changed and shows the API's own error on the field.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Timeout (ms)', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#main [aria-invalid="true"]').waitFor();
    await page.getByLabel('Timeout (ms)', { exact: true }).fill('5000');
    await page.getByLabel('Name', { exact: true }).fill('heartbeat');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('timeout 5.0 s').waitFor();
    expect(await page.getByText('every 4 seconds').count()).toBe(1);

    // The job's badges load from the server, with their embed snippets.
    const badge = page.getByRole('img', { name: 'heartbeat status badge' });
    await expect.poll(() => badge.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await page.locator('.snippet code').first().textContent()).toMatch(/^!\[heartbeat status\]\(http:\/\/127\.0\.0\.1:\d+\/badges\/job_\w+\/status\.svg\)/);

    const headers = await bearer();
    const create = async (name: string, url: string, tags: string[]) => {
      const res = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name, url, tags, schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' } }) });
      expect(res.status).toBe(201);
    };
    await create('nightly report', `${sink.url}/report`, ['reports']);
    await create('cache warmer', `${sink.url}/warm`, ['ops']);

    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('link', { name: 'nightly report' }).waitFor();
    expect(await page.getByText('at 09:00 on weekdays').count() + (await page.getByText(/weekday/).count())).toBeGreaterThan(0);
    await page.getByLabel('Select nightly report').check();
    await page.getByLabel('Select cache warmer').check();
    await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.locator('table.jobs .badge-paused').count()).toBe(2);

    await page.getByLabel('Status').selectOption('paused');
    await page.waitForURL(/status=paused/);
    await expect.poll(() => page.locator('table.jobs tbody tr').count()).toBe(2);
    await page.getByPlaceholder('Search name or URL').fill('warm');
    await page.waitForURL(/q=warm/);
    await expect.poll(() => page.locator('table.jobs tbody tr').count()).toBe(1);
    // The filtered view is a link: reloading it shows the same list.
    await page.reload();
    await page.getByRole('link', { name: 'cache warmer' }).waitFor();
    expect(await page.locator('table.jobs tbody tr').count()).toBe(1);

    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'heartbeat' }).waitFor();
    await page.locator('svg.sparkline').first().waitFor();
    await expectAccessible(page, 'the job list');
    await screenshot(page, '05-jobs');
  });

  it('sends to a built-in destination with follow-ups, each field checked by the API', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Name', { exact: true }).fill('deploy notice');
    await page.getByLabel('Send to', { exact: true }).selectOption('email');
    await page.getByLabel('To', { exact: true }).fill('ops@example');
    await page.getByRole('button', { name: 'Create job' }).click();
    // The API's issues land on their fields: the address, the missing subject and message, and
    // that this server has no mail set up, on the destination itself.
    await expect.poll(() => page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Subject', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Message', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Send to', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByText(/email is not configured on this server/).waitFor();

    await page.getByLabel('Send to', { exact: true }).selectOption('slack');
    await page.getByLabel('Webhook URL', { exact: true }).fill(`${sink.url}/slack`);
    await page.getByLabel('Message', { exact: true }).fill('Deploy finished');
    await page.getByLabel('On failure, POST the result to', { exact: true }).fill('ftp://example.com/failed');
    await page.getByLabel('Lifecycle events URL', { exact: true }).fill(`${sink.url}/events`);
    await page.getByRole('button', { name: 'Create job' }).click();
    await expect.poll(() => page.getByLabel('On failure, POST the result to', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Webhook URL', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('On failure, POST the result to', { exact: true }).fill(`${sink.url}/failed`);
    await expectAccessible(page, 'the job form with a destination');
    await screenshot(page, '14-job-form-destination');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: /deploy notice/ }).waitFor();
    await page.getByText('Sends to').waitFor();
    await page.getByText(/on failure: .*\/failed/).waitFor();

    // Kairos builds the Slack request from the message; the test run reaches the sink as Slack would get it.
    const before = sink.arrivals.length;
    await page.getByRole('button', { name: 'Test run' }).click();
    await page.getByRole('status', { name: 'Test run result' }).waitFor();
    await expect.poll(() => sink.arrivals.slice(before).find((a) => a.path === '/slack')?.body).toBeDefined();
    expect(JSON.parse(sink.arrivals.slice(before).find((a) => a.path === '/slack')!.body)).toMatchObject({ text: 'Deploy finished' });

    // Editing keeps the stored (masked) webhook URL when it is not retyped.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Deploy finished again');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Sends to').waitFor();
    const at = sink.arrivals.length;
    await page.getByRole('button', { name: 'Test run' }).click();
    await expect.poll(() => sink.arrivals.slice(at).find((a) => a.path === '/slack')?.body).toContain('Deploy finished again');
  });

  it('shows the calendar of past and upcoming runs, and switches to the dark theme', async () => {
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('rowheader').getByRole('link', { name: 'heartbeat' }).waitFor();
    expect(await page.locator('.lane .mark.success').count()).toBeGreaterThan(0);
    // Upcoming runs come from a query of their own: waited for, not counted at once.
    await page.locator('.lane .mark.upcoming').first().waitFor();
    await expectAccessible(page, 'the calendar');
    await screenshot(page, '06-calendar');

    // The week view: seven days from Monday, an hour's runs drawn as one mark with their count.
    await page.getByRole('button', { name: 'Week' }).click();
    await page.waitForURL(/view=week/);
    await page.getByRole('table', { name: 'Runs by job and day' }).waitFor();
    expect(await page.locator('.timeline.week .hours .lane-track span').count()).toBe(7);
    await page.locator('.lane .mark.success[aria-label*="succeeded in the hour"]').first().waitFor();
    // Upcoming runs come from a query of their own: waited for, not counted at once.
    await page.locator('.lane .mark.upcoming').first().waitFor();
    // The heartbeat's runs every 4 s make one mark an hour per outcome, not one per run.
    const heartbeat = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'heartbeat' }) });
    expect(await heartbeat.locator('.mark.upcoming').count()).toBeLessThanOrEqual(7 * 24);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Calendar · .*\d – .*\d{4}$/);
    await expectAccessible(page, 'the calendar week');
    await screenshot(page, '06b-calendar-week');
    await page.getByRole('button', { name: 'Next week →' }).click();
    await page.getByText('Nothing ran or is due to run in this week.').or(page.getByRole('table', { name: 'Runs by job and day' })).waitFor();
    await page.getByRole('button', { name: 'This week' }).click();
    await page.getByRole('button', { name: 'Day' }).click();
    await page.getByRole('table', { name: 'Runs by job and hour' }).waitFor();

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('link', { name: 'heartbeat' }).waitFor();
    await expectAccessible(page, 'the job list in the dark theme');
    await screenshot(page, '07-jobs-dark');
    // The choice survives a reload.
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });
});
