import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteDatabase, type FakeApi, startFakeApi, type TestDatabase } from '@kairos/testkit';
import { startTestServer } from '../../server/test/support/server.js';
import type { RunningServer } from '../../server/src/main.js';
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
    // Progress is for a terminal; piped, stderr holds only what is worth keeping.
    expect(dry.stderr).not.toContain('Checking the import');
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

  it('tells the format from the content: JustRun, cron-job.org and EasyCron JSON, a crontab, a curl command; a usage error when it cannot', async () => {
    const dir = freshConfigHome();
    const samples: Array<[string, string, Record<string, unknown>]> = [
      ['justrun.json', JSON.stringify([{ name: 'jr', url: `${f.sink.url}/jr`, cron_expression: '0 * * * *', method: 'POST' }]), { name: 'jr', method: 'POST' }],
      ['cronjob.json', JSON.stringify({ jobs: [{ jobId: 1, enabled: false, title: 'cjo', url: `${f.sink.url}/cjo`, requestMethod: 0, schedule: { timezone: 'UTC', hours: [3], mdays: [-1], minutes: [30], months: [-1], wdays: [-1] } }] }), { name: 'cjo', status: 'paused' }],
      ['easycron.json', JSON.stringify({ status: 'success', cron_jobs: [{ cron_job_id: '9', cron_job_name: 'ec', url: `${f.sink.url}/ec`, cron_expression: '15 1 * * *', http_method: 'GET', status: '1' }] }), { name: 'ec', method: 'GET' }],
      ['crontab.txt', `# comment\nMAILTO=""\n# feed\n*/10 * * * * wget -q ${f.sink.url}/feed\n`, { name: 'feed' }],
    ];
    for (const [file, content, job] of samples) {
      writeFileSync(join(dir, file), content);
      const run = await kairos(['import', join(dir, file), '--dry-run', '--json'], env());
      expect(run.code, `${file}: ${run.stdout} ${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout), file).toMatchObject({ dryRun: true, created: 1, jobs: [job] });
    }
    const curl = await kairosJson(['import', '-', '--every', '5m', '--dry-run'], env(), `curl -X PUT '${f.sink.url}/put' -H 'X-A: b'`);
    expect(curl).toMatchObject({ jobs: [{ method: 'PUT', url: `${f.sink.url}/put` }] });

    writeFileSync(join(dir, 'notes.txt'), 'buy milk\n');
    const unknown = await kairos(['import', join(dir, 'notes.txt')], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`Cannot tell what ${join(dir, 'notes.txt')} is`);
    expect(unknown.stderr).toContain('--format kairos|justrun|cronjob-org|easycron|crontab|curl');
    const strayJson = await kairos(['import', '-'], env(), '[{"what": 1}]');
    expect(strayJson.code).toBe(2);
    expect((await f.kairos.jobs.list().toArray()).map((j) => j.name)).not.toContain('jr');
  });

  it('imports the user\'s own crontab with --crontab, a crontab file with --crontab FILE, and says so when there is no crontab command', async () => {
    const bin = join(freshConfigHome(), 'bin');
    mkdirSync(bin);
    // The machine's crontab(1), as a user has it: prints the user's crontab.
    writeFileSync(join(bin, 'crontab'), `#!/bin/sh\n[ "$1" = "-l" ] || exit 64\nprintf '%s\\n' '# own hourly' '0 * * * * curl -s ${f.sink.url}/own'\n`);
    chmodSync(join(bin, 'crontab'), 0o755);
    const own = await kairos(['import', '--crontab', '--dry-run'], { ...env(), PATH: `${bin}:/usr/bin:/bin` });
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toMatch(new RegExp(`created\\s+-\\s+own hourly\\s+GET\\s+${f.sink.url}/own`));

    const file = join(freshConfigHome(), 'tab');
    writeFileSync(file, `0 1 * * * curl ${f.sink.url}/file\n`);
    expect(await kairosJson(['import', '--crontab', file, '--dry-run'], env())).toMatchObject({ jobs: [{ url: `${f.sink.url}/file` }] });

    const none = await kairos(['import', '--crontab'], { ...env(), PATH: freshConfigHome() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('There is no crontab command on this machine');
    const both = await kairos(['import', '--crontab', '--format', 'curl', file], env());
    expect(both.code).toBe(2);
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
    // No --format: the export is told by its content.
    const restored = await kairosJson(['import', join(dir, 'backup.json')], env(apiKey));
    expect(restored.created).toBe(document.jobs.length);
    const names = (await new Kairos({ baseUrl: f.server.url, apiKey }).jobs.list().toArray()).map((j) => j.name).sort();
    expect(names).toEqual(document.jobs.map((j: { name: string }) => j.name).sort());
  });
});

describe('kairos import --from cronjob-org|easycron', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let apiKey: string;
  const apis: FakeApi[] = [];
  const job = { jobId: 77, enabled: true, title: 'From cron-job.org', url: 'http://127.0.0.1:9/cjo', requestTimeout: 30, requestMethod: 1, schedule: { timezone: 'Europe/Berlin', hours: [-1], mdays: [-1], minutes: [0, 30], months: [-1], wdays: [-1] } };

  beforeAll(async () => {
    // GET /jobs and GET /jobs/<id> as https://docs.cron-job.org/rest-api.html shows them; /rest/list as https://www.easycron.com/document/list does.
    const cronjobOrg = await startFakeApi((req, url) => {
      if (req.headers.authorization !== 'Bearer cjo_key') return { status: 401, body: {} };
      if (url.pathname === '/jobs') return { body: { jobs: [job], someFailed: false } };
      return url.pathname === '/jobs/77' ? { body: { jobDetails: { ...job, extendedData: { headers: {}, body: 'x' } } } } : { status: 404, body: {} };
    });
    const easycron = await startFakeApi((_req, url) => {
      if (url.searchParams.get('token') !== 'ec_token') return { body: { status: 'error', error: { code: 25, message: 'Invalid token.' } } };
      const jobs = url.searchParams.get('page') === '1' ? [{ cron_job_id: '5', cron_job_name: 'From EasyCron', url: 'http://127.0.0.1:9/ec', cron_expression: '0 4 * * *', http_method: 'GET', status: '1' }] : [];
      return { body: { status: 'success', cron_jobs: jobs } };
    });
    apis.push(cronjobOrg, easycron);
    db = await createSqliteDatabase();
    server = await startTestServer(db.url, {}, { cronjobOrgApiUrl: cronjobOrg.url, easycronApiUrl: easycron.url });
    apiKey = (await new Kairos({ baseUrl: server.url, apiKey: '' }).auth.registerAnonymous({ name: 'cli-from' })).apiKey;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    for (const api of apis) await api.close();
  });
  const env = (extra: Record<string, string> = {}) => cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: server.url, KAIROS_API_KEY: apiKey, ...extra });

  it('fetches the jobs with --api-key or the environment variable, and asks for the key when there is none', async () => {
    const cjo = await kairos(['import', '--from', 'cronjob-org', '--api-key', 'cjo_key'], env());
    expect(cjo.code, cjo.stderr).toBe(0);
    expect(cjo.stdout).toMatch(/created\s+job_\w+\s+From cron-job\.org\s+POST\s+http:\/\/127\.0\.0\.1:9\/cjo/);
    expect(cjo.stderr).toContain('Imported 1 (1 new, 0 updated)');

    const ec = await kairosJson(['import', '--from', 'easycron', '--dry-run'], env({ EASYCRON_API_TOKEN: 'ec_token' }));
    expect(ec).toMatchObject({ dryRun: true, jobs: [{ name: 'From EasyCron', outcome: 'created' }] });

    const missing = await kairos(['import', '--from', 'easycron'], env());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--from easycron needs your EasyCron API key: give --api-key or set EASYCRON_API_TOKEN.');
    const wrong = await kairos(['import', '--from', 'cronjob-org'], env({ CRONJOB_ORG_API_KEY: 'nope' }));
    expect(wrong.code).toBe(1);
    const help = await kairos(['import', '--help'], env());
    expect(help.stdout).toContain('CRONJOB_ORG_API_KEY');
    expect(help.stdout).toContain('EASYCRON_API_TOKEN');
  });
});
