import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { ensureDashboardBuilt, expectAccessible, launchChromium, screenshot } from './support/browser.js';

/**
 * The dashboard's account pages in Debian's Chromium against a real Kairos (SQLite): log in,
 * create and revoke an API key, add an alert channel and send a test to a real sink, see usage,
 * create and switch projects, sign out and come back with an API key, on a phone-sized screen too.
 */
describe('dashboard: keys, alerts, projects and sign-in', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let sink: Sink;
  let browser: Browser;
  let page: Page;
  let firstKey: string;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    db = await createSqliteDatabase();
    sink = await startSink();
    [server, browser] = await Promise.all([spawnServer({ databaseUrl: db.url }), launchChromium()]);
    const res = await fetch(`${server.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'grace@example.com', password: 'a long enough password', name: 'Grace' }),
    });
    expect(res.status).toBe(201);
    firstKey = ((await res.json()) as { data: { apiKey: string } }).data.apiKey;
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

  it('refuses a wrong password with the API message, then logs in', async () => {
    await page.goto(`${server.url}/keys`);
    await page.waitForURL('**/login');
    await page.getByLabel('Email', { exact: true }).fill('grace@example.com');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toMatch(/\/login$/);
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  });

  it('renews an expired access token silently with the refresh token', async () => {
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem('kairos.session')!) as { refreshToken: string; accessTokenExpiresAt: string });
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('kairos.session')!) as Record<string, string>;
      localStorage.setItem('kairos.session', JSON.stringify({ ...s, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }));
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.getByText('No jobs yet').waitFor();
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('kairos.session')!) as { refreshToken: string; accessTokenExpiresAt: string });
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
  });

  it('creates an API key, shows it once, and revokes it', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('deploy bot');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^kr_live_/);
    // The key works against the API.
    expect((await fetch(`${server.url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    // The copy button puts the key on the clipboard, read back through the page's own clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.evaluate(() => navigator.clipboard.writeText('nothing copied yet'));
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('status', { name: 'New API key' }).getByText('Copied', { exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.getByRole('cell', { name: 'deploy bot', exact: true }).waitFor();
    await expectAccessible(page, 'the API keys page');
    await screenshot(page, '08-keys');

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke deploy bot' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'deploy bot', exact: true }).count()).toBe(0);
    expect((await fetch(`${server.url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });

  it('adds a webhook alert channel and sends a test that reaches the sink', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByLabel('Name', { exact: true }).fill('on-call hook');
    await page.getByLabel('URL', { exact: true }).fill(`${sink.url}/alerts`);
    await page.getByRole('button', { name: 'Add channel' }).click();
    const channel = page.getByRole('listitem', { name: 'Channel on-call hook' });
    await channel.waitFor();
    await channel.getByRole('button', { name: 'Send test' }).click();
    await channel.getByText(/^Delivered/).waitFor();
    await sink.waitFor(1);
    expect(sink.arrivals[0]!.path).toBe('/alerts');
    await channel.getByRole('button', { name: 'Alert on any failure' }).click();
    await page.getByRole('listitem', { name: 'Rule Any job fails' }).waitFor();
    await expectAccessible(page, 'the alerts page');
    await screenshot(page, '09-alerts');
  });

  it('adds an alert rule of each kind the API has, with its issues on the fields, and it fires', async () => {
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Rule name', { exact: true }).fill('checkout runs');
    await form.getByLabel('For', { exact: true }).selectOption('tag');
    await form.getByLabel('Tag', { exact: true }).fill('checkout');
    await form.getByLabel('a job runs (every attempt)').check();
    await form.getByLabel('Failures in a row', { exact: true }).fill('0');
    await form.getByRole('button', { name: 'Add rule' }).click();
    // The API refuses the threshold and the missing channel; each issue shows where it belongs.
    await expect.poll(() => form.getByLabel('Failures in a row', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Failures in a row', { exact: true }).fill('3');
    await form.getByLabel('Quiet minutes', { exact: true }).fill('15');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByRole('group', { name: 'Send to' }).getByRole('alert').waitFor();
    expect(await form.getByLabel('Failures in a row', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await form.getByRole('group', { name: 'Send to' }).getByLabel('on-call hook').check();
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('listitem', { name: 'Rule checkout runs' });
    await rule.waitFor();
    expect(await rule.textContent()).toMatch(/jobs tagged checkout · when a job fails, a failing job recovers, a job runs \(every attempt\) \(3 failures in a row\) · at most every 15 min → on-call hook/);

    const headers = { authorization: `Bearer ${firstKey}`, 'content-type': 'application/json' };
    const rules = (await (await fetch(`${server.url}/v1/alerts/rules`, { headers })).json()) as { data: Array<Record<string, unknown>> };
    expect(rules.data.find((r) => r.name === 'checkout runs')).toMatchObject({ tag: 'checkout', jobId: null, events: ['job.failed', 'job.recovered', 'job.executed'], consecutiveFailuresThreshold: 3, cooldownMinutes: 15, enabled: true });

    // A tagged job's run is a job.executed notice at the channel.
    const created = await fetch(`${server.url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name: 'checkout sync', url: `${sink.url}/checkout`, tags: ['checkout'], schedule: { type: 'cron', expression: '0 0 1 1 *' } }) });
    const jobId = ((await created.json()) as { data: { id: string } }).data.id;
    const before = sink.arrivals.length;
    expect((await fetch(`${server.url}/v1/jobs/${jobId}/run?wait=true`, { method: 'POST', headers: { authorization: headers.authorization } })).status).toBe(200);
    await expect.poll(() => sink.arrivals.slice(before).find((a) => a.path === '/alerts')?.body, { timeout: 15_000 }).toContain('job.executed');

    await rule.getByRole('button', { name: 'Disable checkout runs' }).click();
    await rule.getByText('disabled').waitFor();
    await expectAccessible(page, 'the alerts page with rules');
    await screenshot(page, '09b-alert-rules');
    page.once('dialog', (dlg) => void dlg.accept());
    await rule.getByRole('button', { name: 'Delete checkout runs' }).click();
    await expect.poll(() => rule.count()).toBe(0);
  });

  it('shows usage, creates a second project and switches to it', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(/Usage on the .* plan/).waitFor();
    await page.getByLabel('New project name', { exact: true }).fill('staging');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.locator('.topbar .project', { hasText: 'staging' }).waitFor();
    await page.getByRole('button', { name: 'Switch to default' }).waitFor();
    await expectAccessible(page, 'the settings page');
    await screenshot(page, '10-settings');
    // The new project is empty: the key page lists none of the first project's keys.
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('table', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('cell', { name: 'default' }).count()).toBe(0);
  });

  it('creates a space, puts a job in it with the form, and pauses and resumes the whole space', async () => {
    await page.getByRole('link', { name: 'Spaces' }).click();
    await page.getByLabel('Name', { exact: true }).fill('billing');
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Paris');
    await page.getByRole('button', { name: 'Create space' }).click();
    await page.getByRole('button', { name: 'Pause all in billing' }).waitFor();

    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('link', { name: 'New job' }).click();
    await page.getByLabel('Name', { exact: true }).fill('invoice run');
    await page.getByLabel('URL', { exact: true }).fill(`${sink.url}/invoices`);
    await page.getByLabel('Space', { exact: true }).selectOption({ label: 'billing' });
    await page.getByLabel('Repeat').selectOption('daily');
    await page.getByLabel('Times', { exact: true }).fill('06:00, 18:00');
    await page.getByText('Runs at 06:00 and 18:00 every day').waitFor();
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.getByRole('heading', { name: /invoice run/ }).waitFor();

    await page.getByRole('link', { name: 'Spaces' }).click();
    await page.getByRole('button', { name: 'Pause all in billing' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Spaces' }).locator('tbody td').nth(4).textContent()).toBe('1');
    await expectAccessible(page, 'the spaces page');
    await screenshot(page, '12-spaces');
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.locator('table.jobs .badge-paused').waitFor();
    await page.getByRole('link', { name: 'Spaces' }).click();
    await page.getByRole('button', { name: 'Resume all in billing' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Spaces' }).locator('tbody td').nth(3).textContent()).toBe('1');
  });

  it('creates and rotates the signing secret, and renames the project with the API checking the events URL', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Create signing secret' }).click();
    const first = (await page.getByTestId('new-secret').textContent())!;
    expect(first).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Rotate' }).click();
    await expect.poll(() => page.getByTestId('new-secret').textContent()).not.toBe(first);
    await expect.poll(() => page.getByText(/stops signing/).count()).toBe(1);

    // The API checks the events URL; its issue shows on the field.
    await page.getByLabel('Event webhook URL', { exact: true }).fill('ftp://example.com/events');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[aria-invalid="true"]').waitFor();
    await page.getByLabel('Event webhook URL', { exact: true }).fill('');
    await page.getByLabel('Project name', { exact: true }).fill('staging eu');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.topbar .project', { hasText: 'staging eu' }).waitFor();
    await expectAccessible(page, 'the settings page with secrets');
  });

  it('creates an inbound webhook whose URL, posted to, reaches the target', async () => {
    await page.getByRole('link', { name: 'Inbound' }).click();
    await page.getByLabel('Name', { exact: true }).fill('stripe events');
    await page.getByLabel('Send to', { exact: true }).fill(`${sink.url}/inbound-target`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const hook = page.getByRole('listitem', { name: 'Inbound webhook stripe events' });
    await hook.getByRole('button', { name: 'Copy URL' }).waitFor();
    await hook.getByText('Nothing posted yet.').waitFor();
    const url = (await hook.locator('.snippet code').textContent())!;
    expect(url).toMatch(/\/v1\/inbound\/wh_/);
    await expectAccessible(page, 'the inbound webhooks page');
    await screenshot(page, '13-inbound');
    const before = sink.arrivals.length;
    const posted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ paid: 42 }) });
    expect(posted.status).toBe(202);
    const arrivals = await sink.waitFor(before + 1);
    expect(arrivals.at(-1)!.path).toBe('/inbound-target');
    expect(JSON.parse(arrivals.at(-1)!.body)).toEqual({ paid: 42 });
    // The request shows among the webhook's recent ones, delivered, without a reload.
    const requests = hook.getByRole('table', { name: 'Requests to stripe events' });
    await requests.getByText('{"paid":42}').waitFor();
    await expect.poll(() => requests.locator('tbody tr').first().textContent()).toMatch(/success\s*200/);
    await expectAccessible(page, 'the inbound webhooks page with requests');
    await screenshot(page, '13b-inbound-requests');
  });

  it('signs out, comes back with an API key, and fits a phone-sized screen', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill('kr_live_not_a_real_key');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByRole('textbox', { name: 'API key' }).fill(firstKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.locator('.topbar .project', { hasText: 'default' }).waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    const create = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firstKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'phone check', url: `${sink.url}/p`, schedule: { type: 'daily', times: ['07:30'], timezone: 'Asia/Tokyo' } }),
    });
    expect(create.status).toBe(201);
    // Made elsewhere, the job shows up through the stream.
    await page.getByRole('link', { name: 'phone check' }).waitFor();
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Nor is any of the jobs' cells cut at the table's right edge: each job is a card that fits.
    const wrap = page.locator('.table-wrap').filter({ has: page.locator('table.jobs') });
    const cut = await wrap.evaluate((box) => {
      const right = box.getBoundingClientRect().right;
      const cells = Array.from(box.querySelectorAll('tbody td')).filter((td) => td.getBoundingClientRect().right > right + 0.5);
      return { cells: cells.length, scrolls: box.scrollWidth > box.clientWidth };
    });
    expect(cut).toEqual({ cells: 0, scrolls: false });
    await page.getByRole('row', { name: /phone check/ }).getByText('every day at 07:30').waitFor();
    await expectAccessible(page, 'the job list on a phone');
    await screenshot(page, '11-phone-jobs');
  });
});
