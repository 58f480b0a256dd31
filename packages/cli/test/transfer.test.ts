import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kairos } from '../../sdk/src/index.js';
import { useClientFixture } from '../../sdk/test/support/fixture.js';
import { cleanEnv, freshConfigHome, kairos, kairosJson } from './support.js';

describe('kairos import and kairos export', () => {
  const f = useClientFixture('cli-transfer');
  const env = (apiKey = f.apiKey) => cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: f.server.url, KAIROS_API_KEY: apiKey });

  it('imports a crontab from a file: a dry run first, then for real, then again without duplicates', async () => {
    const crontab = join(freshConfigHome(), 'crontab');
    writeFileSync(crontab, `CRON_TZ=Europe/Berlin\n# nightly report\n0 2 * * * curl -s -X POST ${f.sink.url}/report\n*/5 * * * * /usr/bin/php /srv/task.php\n`);
    const dry = await kairos(['import', crontab, '--format', 'crontab', '--dry-run'], env());
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')[0]).toMatch(/^#\s+OUTCOME\s+ID\s+NAME\s+METHOD\s+TARGET\s+SCHEDULE\s+STATUS\s+NEXT RUN$/);
    expect(dry.stdout).toMatch(new RegExp(`created\\s+-\\s+nightly report\\s+POST\\s+${f.sink.url}/report`));
    expect(dry.stderr).toMatch(/skipped #1.*not an HTTP call/);
    expect(dry.stderr).toContain('Would import 1 (1 new, 0 updated), skipped 1, 0 failed; nothing was written (dry run).');
    expect((await f.kairos.jobs.list().toArray()).length).toBe(0);

    const real = await kairosJson(['import', crontab, '--format', 'crontab'], env());
    expect(real).toMatchObject({ dryRun: false, created: 1, jobIds: [expect.stringMatching(/^job_/)], jobs: [{ name: 'nightly report', outcome: 'created', scheduleDescription: expect.stringContaining('Europe/Berlin') }] });
    const again = await kairosJson(['import', crontab, '--format', 'crontab'], env());
    expect(again).toMatchObject({ created: 0, imported: 0 });
    expect((await f.kairos.jobs.list().toArray()).map((j) => j.name)).toEqual(['nightly report']);
  });

  it('imports a curl command from stdin with the schedule it is given, and refuses one without', async () => {
    const command = `curl -X POST ${f.sink.url}/hook -H 'X-Key: abc' --data-raw '{"a":1}'`;
    const piped = await kairos(['import', '-', '--format', 'curl', '--every', '1h', '--json'], env(), command);
    expect(piped.code, piped.stderr).toBe(0);
    const job = JSON.parse(piped.stdout);
    expect(job).toMatchObject({ created: 1, jobs: [{ method: 'POST', url: `${f.sink.url}/hook`, schedule: { type: 'interval', every: 3_600_000 } }] });
    const without = await kairos(['import', '-', '--format', 'curl'], env(), command);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('A curl command needs a schedule');
    const stray = await kairos(['import', '-', '--format', 'crontab', '--cron', '* * * * *'], env(), '');
    expect(stray.code).toBe(2);
  });

  it('exits 1 when an entry fails, after importing the others, and 2 on a source it cannot read', async () => {
    const source = JSON.stringify({ jobs: [{ name: 'good', url: `${f.sink.url}/good`, cron_expression: '0 * * * *' }, { name: 'bad', url: 'ftp://example.com', cron_expression: '0 * * * *' }] });
    const r = await kairos(['import', '-', '--format', 'justrun'], env(), source);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/created\s+job_\w+\s+good/);
    expect(r.stderr).toMatch(/error #1 \(bad\): .*url/);
    const notJson = await kairos(['import', '-', '--format', 'kairos'], env(), 'not json');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('stdin is not JSON, which --format kairos needs');
    const noFormat = await kairos(['import', '-'], env(), '{}');
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toMatch(/--format/);
    const missingFile = await kairos(['import', '/nonexistent/file', '--format', 'crontab'], env());
    expect(missingFile.code).toBe(2);
  });

  it('exports to stdout and to a file (0600 with secrets, JSON lines with history), and the export imports into another project', async () => {
    await f.kairos.jobs.run((await f.kairos.jobs.list().toArray())[0]!.id, { wait: true });
    const r = await kairos(['export'], env());
    expect(r.code, r.stderr).toBe(0);
    const document = JSON.parse(r.stdout);
    expect(document).toMatchObject({ kairos: 'export', version: 1, secrets: 'masked' });
    expect(document.jobs.length).toBeGreaterThanOrEqual(2);

    const dir = freshConfigHome();
    const withSecrets = await kairosJson(['export', join(dir, 'backup.json'), '--secrets'], env());
    expect(withSecrets).toMatchObject({ file: join(dir, 'backup.json'), secrets: true, bytes: expect.any(Number) });
    expect(statSync(join(dir, 'backup.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8'))).toMatchObject({ secrets: 'included' });

    const history = await kairos(['export', join(dir, 'project.jsonl'), '--history'], env());
    expect(history.stdout).toContain(`Exported to ${join(dir, 'project.jsonl')}`);
    const lines = readFileSync(join(dir, 'project.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kairos: 'export' });
    expect(lines.slice(1)).toContainEqual(expect.objectContaining({ type: 'execution' }));

    const { apiKey } = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.registerAnonymous({ name: 'restored' });
    const restored = await kairosJson(['import', join(dir, 'backup.json'), '--format', 'kairos'], env(apiKey));
    expect(restored.created).toBe(document.jobs.length);
    const names = (await new Kairos({ baseUrl: f.server.url, apiKey }).jobs.list().toArray()).map((j) => j.name).sort();
    expect(names).toEqual(document.jobs.map((j: { name: string }) => j.name).sort());
  });
});
