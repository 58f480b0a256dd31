import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type ServerProcess, type Sink, spawnServer, startSink, type TestDatabase } from '@kairos/testkit';
import { ensureDashboardBuilt, expectAccessible, launchChromium, screenshot } from './support/browser.js';

/**
 * The import page in Debian's Chromium against a real Kairos (SQLite): paste a crontab, see the
 * dry run's preview (what each entry would become, what is skipped and why, what fails) with
 * nothing written, import it into a space, reach the jobs; upload a file whose format is told
 * from its content.
 */
describe('dashboard: importing jobs', () => {
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
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.setDefaultTimeout(20_000);
    const r = await fetch(`${server.url}/v1/auth/register-anonymous`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'importer' }) });
    apiKey = ((await r.json()) as { data: { apiKey: string } }).data.apiKey;
    await call('POST', '/v1/spaces', { name: 'Migrated' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    await sink?.close();
    await db?.drop();
  });

  async function call(method: string, path: string, body?: unknown): Promise<any> {
    const r = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json();
  }

  it('previews a pasted crontab with nothing written, then imports it into a space and links to the jobs', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByRole('tab', { name: 'API key' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import jobs' }).waitFor();

    const crontab = ['CRON_TZ=Europe/Berlin', 'MAILTO=""', '# nightly report', `0 2 * * * curl -s -X POST ${sink.url}/report -H 'Authorization: Bearer s3cret'`, '*/5 * * * * /usr/bin/php /srv/task.php', '# old ftp', '0 3 * * * curl ftp://example.com/x'].join('\n');
    await page.getByLabel('Jobs to import').fill(crontab);
    await page.getByText('Looks like: crontab').waitFor();
    await page.getByLabel('Space').selectOption({ label: 'Migrated' });
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();

    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('status').getByText('Would import 1 (1 new, 0 updated), skipped 1, 1 failed').waitFor();
    const row = preview.getByRole('table').getByRole('row').nth(1);
    expect(await row.textContent()).toMatch(/created.*nightly report.*POST .*\/report.*Europe\/Berlin.*active.*Migrated/);
    expect(await preview.getByRole('list', { name: 'Skipped' }).textContent()).toMatch(/#2.*not an HTTP call/);
    expect(await preview.getByRole('list', { name: 'Errors' }).textContent()).toMatch(/#3 \(old ftp\)/);
    expect(await preview.textContent()).not.toContain('s3cret');
    expect((await call('GET', '/v1/jobs')).data).toHaveLength(0);
    await expectAccessible(page, 'the import preview');
    await screenshot(page, '20-import');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const done = page.getByRole('region', { name: 'Imported' });
    await done.getByRole('status').getByText('Imported 1 (1 new, 0 updated)').waitFor();
    const jobs = (await call('GET', '/v1/jobs')).data as Array<{ name: string; spaceId: string | null; id: string }>;
    expect(jobs.map((j) => j.name)).toEqual(['nightly report']);
    expect(jobs[0]!.spaceId).not.toBeNull();
    await done.getByRole('link', { name: 'See the jobs' }).click();
    await page.getByRole('link', { name: 'nightly report' }).waitFor();
  });

  it('tells an uploaded file\'s format, asks for the format when it cannot, and shows the API\'s refusal', async () => {
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    const justrun = JSON.stringify({ jobs: [{ name: 'from justrun', url: `${sink.url}/jr`, cron_expression: '*/15 * * * *', method: 'POST' }] });
    await page.getByLabel('Or upload a file').setInputFiles({ name: 'jobs.json', mimeType: 'application/json', buffer: Buffer.from(justrun) });
    await page.getByText('Looks like: JustRun JSON').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('region', { name: 'Preview' }).getByText('from justrun').waitFor();

    await page.getByLabel('Jobs to import').fill('buy milk');
    await page.getByText('Cannot tell what this is: choose its format.').waitFor();
    expect(await page.getByRole('button', { name: 'Preview' }).isDisabled()).toBe(true);
    expect(await page.getByRole('region', { name: 'Preview' }).count()).toBe(0);
    // Said to be a Kairos export, a JustRun list is refused whole by the API, on the field.
    await page.getByLabel('Jobs to import').fill(justrun);
    await page.getByLabel('Format').selectOption('kairos');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#main [aria-invalid="true"]').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('Kairos export document');
  });
});
