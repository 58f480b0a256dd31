import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kairos } from '../../sdk/src/index.js';
import { eventually } from '../../server/test/support/server.js';
import { useClientFixture } from '../../sdk/test/support/fixture.js';
import { cleanEnv, freshConfigHome, kairos, kairosJson } from './support.js';

describe('the kairos command against a real server', () => {
  const f = useClientFixture('cli');
  /** Signed in by the config file that "kairos login" wrote, not by the environment. */
  let env: NodeJS.ProcessEnv;
  let configHome: string;

  beforeAll(async () => {
    configHome = freshConfigHome();
    env = cleanEnv({ XDG_CONFIG_HOME: configHome });
    const login = await kairos(['login', '--url', f.server.url, '--key', f.apiKey], env);
    expect(login.code, login.stderr).toBe(0);
  });

  it('saves the login in $XDG_CONFIG_HOME/kairos/config.json, readable by its owner only', () => {
    const path = join(configHome, 'kairos', 'config.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: f.server.url, apiKey: f.apiKey });
  });

  it('exits 4 when not logged in, and lets KAIROS_API_KEY and KAIROS_URL override the saved login', async () => {
    const nobody = await kairos(['jobs', 'list'], cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() }));
    expect(nobody).toMatchObject({ code: 4, stdout: '' });
    expect(nobody.stderr).toContain('Not logged in: run "kairos login", or set KAIROS_API_KEY.');
    const refused = await kairos(['jobs', 'list'], { ...env, KAIROS_API_KEY: 'kr_live_wrong' });
    expect(refused.code).toBe(4);
    const { apiKey } = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.registerAnonymous({ name: 'from the environment' });
    const me = await kairosJson(['whoami'], { ...env, KAIROS_API_KEY: apiKey });
    expect(me).toMatchObject({ source: 'environment', project: { name: 'from the environment' } });
    const unreachable = await kairos(['jobs', 'list'], { ...env, KAIROS_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('Could not reach http://127.0.0.1:9');
    expect(await kairosJson(['whoami'], env)).toMatchObject({ source: 'config', project: { name: 'cli' } });
  });

  it('registers a new project on login --register, and logs out', async () => {
    const home = freshConfigHome();
    const e = cleanEnv({ XDG_CONFIG_HOME: home });
    const login = await kairosJson(['login', '--url', f.server.url, '--register', '--name', 'registered'], e);
    expect(login).toMatchObject({ url: f.server.url, project: { name: 'registered' }, configPath: join(home, 'kairos', 'config.json') });
    expect(statSync(login.configPath).mode & 0o777).toBe(0o600);
    const account = await kairos(['login', '--url', f.server.url, '--register', '--email', 'cli@example.com', '--name', 'CLI user'], { ...e, KAIROS_PASSWORD: 'correct horse battery' });
    expect(account.code, account.stderr).toBe(0);
    expect(account.stdout).toContain(`Logged in to ${f.server.url} as project`);
    expect(await kairos(['logout'], e)).toMatchObject({ code: 0 });
    expect((await kairos(['jobs', 'list'], e)).code).toBe(4);
    const asked = await kairos(['login', '--url', f.server.url], e);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('Give --key <key> or --register');
  });

  it('creates, lists, shows, edits, pauses, resumes, runs and deletes jobs', async () => {
    const created = await kairosJson(['jobs', 'create', '--name', 'cli-job', '--url', `${f.sink.url}/cli`, '--every', '1h', '--payload', '{"from":"cli"}', '--tag', 'cli', '-H', 'X-Test: yes'], env);
    expect(created).toMatchObject({ id: expect.stringMatching(/^job_/), name: 'cli-job', tags: ['cli'], headers: { 'X-Test': 'yes' }, schedule: { type: 'interval', every: 3_600_000 } });

    const table = await kairos(['jobs', 'list', '--tag', 'cli'], env);
    expect(table.code).toBe(0);
    const [head, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^ID\s+NAME\s+STATUS\s+SCHEDULE\s+NEXT RUN\s+LAST\s+TARGET$/);
    expect(row).toMatch(new RegExp(`^${created.id}\\s+cli-job\\s+active\\s+every 1h\\s+in (59m|1h)\\s+-\\s+${f.sink.url}/cli$`));
    expect(rest).toEqual([]);
    expect(table.stdout).not.toContain('\u001b['); // no colours off a terminal

    const listed = await kairosJson<any[]>(['jobs', 'list', '--tag', 'cli'], env);
    expect(listed.map((j) => j.id)).toEqual([created.id]);

    const shown = await kairos(['jobs', 'get', created.id], env);
    expect(shown.stdout).toMatch(/^id\s+job_/m);
    expect(shown.stdout).toMatch(/^schedule\s+every 1h$/m);

    const edited = await kairosJson(['jobs', 'edit', created.id, '--cron', '0 9 * * 1-5', '--tz', 'Europe/Berlin', '--name', 'weekday'], env);
    expect(edited).toMatchObject({ name: 'weekday', schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' } });

    expect(await kairosJson(['jobs', 'pause', created.id], env)).toMatchObject([{ id: created.id, status: 'paused' }]);
    const again = await kairos(['jobs', 'pause', created.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^kairos: .*paused/);
    expect((await kairos(['jobs', 'resume', created.id], env)).stdout).toMatch(/^Resumed job_\S+, next run in/);

    const before = f.sink.arrivals.length;
    const ran = await kairosJson(['jobs', 'run', created.id, '--wait'], env);
    expect(ran).toMatchObject({ jobId: created.id, status: 'success', statusCode: 200 });
    expect(f.sink.arrivals.length).toBe(before + 1);
    expect(JSON.parse(f.sink.arrivals.at(-1)!.body)).toEqual({ from: 'cli' });
    const started = await kairos(['jobs', 'run', created.id], env);
    expect(started.stdout).toMatch(/^Started run run_\S+; see it with: kairos runs list --job job_/);

    const noConfirm = await kairos(['jobs', 'delete', created.id], env);
    expect(noConfirm.code).toBe(2);
    expect(noConfirm.stderr).toContain('Add --yes');
    expect(await kairosJson(['jobs', 'delete', '--yes', created.id], env)).toEqual({ deleted: [created.id] });
    const gone = await kairos(['jobs', 'get', created.id], env);
    expect(gone).toMatchObject({ code: 5, stdout: '' });
    expect(gone.stderr).toContain(`Job ${created.id}`);
  });

  it('creates one-time jobs, from a file too, and reports usage and validation errors apart', async () => {
    const once = await kairosJson(['jobs', 'create', '--url', `${f.sink.url}/once`, '--in', '300'], env);
    expect(once).toMatchObject({ schedule: { type: 'once' } });
    await eventually(() => (f.sink.arrivals.some((a) => a.path === '/once') ? true : undefined));

    const noSchedule = await kairos(['jobs', 'create', '--url', `${f.sink.url}/x`], env);
    expect(noSchedule.code).toBe(2);
    expect(noSchedule.stderr).toContain('Give a schedule');
    const two = await kairos(['jobs', 'create', '--url', `${f.sink.url}/x`, '--cron', '* * * * *', '--every', '1m'], env);
    expect(two.code).toBe(2);
    const badJson = await kairos(['jobs', 'create', '--url', `${f.sink.url}/x`, '--in', '1h', '--payload', '{nope'], env);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--payload must be JSON');
    const invalid = await kairos(['jobs', 'create', '--url', `${f.sink.url}/x`, '--cron', 'every day'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/schedule\.expression/);

    const fromStdin = await new Promise<any>((resolve, reject) => {
      kairos(['jobs', 'create', '--file', '-', '--name', 'from stdin', '--json'], env, JSON.stringify({ url: `${f.sink.url}/file`, schedule: { type: 'preset', preset: 'evening' } })).then(
        (r) => (r.code === 0 ? resolve(JSON.parse(r.stdout)) : reject(new Error(r.stderr))),
      );
    });
    expect(fromStdin).toMatchObject({ name: 'from stdin', schedule: { type: 'preset', preset: 'evening' } });
    await f.kairos.jobs.delete(fromStdin.id);
  });

  it('lists, shows and replays runs', async () => {
    const job = await f.kairos.jobs.create({ url: `${f.sink.url}/runs`, schedule: { type: 'interval', every: '1h' } });
    const execution = (await f.kairos.jobs.run(job.id, { wait: true })) as { id: string };
    const table = await kairos(['runs', 'list', '--job', job.id], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+JOB\s+STATUS\s+HTTP\s+DURATION\s+ATTEMPT\s+BY\s+STARTED\s+ERROR$/);
    expect(table.stdout).toMatch(new RegExp(`^${execution.id}\\s+${job.id}\\s+success\\s+200\\s+\\d+ms\\s+1\\s+manual`, 'm'));
    const shown = await kairosJson(['runs', 'get', execution.id], env);
    expect(shown).toMatchObject({ id: execution.id, responseBody: 'ok' });
    const replay = await kairosJson(['runs', 'replay', execution.id], env);
    expect(replay).toMatchObject({ jobId: job.id, replayOf: execution.id });
    const replays = await eventually(async () => {
      const rows = await kairosJson<any[]>(['runs', 'list', '--job', job.id, '--by', 'replay'], env);
      return rows.length === 1 ? rows : undefined;
    });
    expect(replays[0]).toMatchObject({ triggeredBy: 'replay', replayOf: execution.id });
    expect((await kairos(['runs', 'get', 'exe_missing'], env)).code).toBe(5);
    const limited = await kairos(['runs', 'list', '--limit', '1'], env);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(limited.stderr).toMatch(/Showing 1 of \d+; use --limit to see more\./);
  });

  it('creates, lists and revokes keys', async () => {
    const created = await kairos(['keys', 'create', '--name', 'ci', '--scope', 'read'], env);
    expect(created.stdout).toMatch(/^kr_live_\S+\n$/);
    expect(created.stderr).toContain('shown this once');
    const listed = await kairosJson<any[]>(['keys', 'list'], env);
    const key = listed.find((k) => k.name === 'ci')!;
    expect(key).toMatchObject({ scopes: ['read'] });
    const readOnly = await kairos(['spaces', 'create', 'nope'], { ...env, KAIROS_API_KEY: created.stdout.trim() });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain('lacks the "write" scope');
    expect(await kairosJson(['keys', 'revoke', key.id], env)).toEqual({ revoked: key.id });
    expect((await kairos(['jobs', 'list'], { ...env, KAIROS_API_KEY: created.stdout.trim() })).code).toBe(4);
  });

  it('manages spaces', async () => {
    const space = await kairosJson(['spaces', 'create', 'ops', '--tz', 'Europe/Paris'], env);
    expect(space).toMatchObject({ name: 'ops', timezone: 'Europe/Paris' });
    await f.kairos.jobs.create({ url: `${f.sink.url}/sp`, schedule: { type: 'interval', every: '1h' }, spaceId: space.id });
    expect((await kairos(['spaces', 'list'], env)).stdout).toMatch(new RegExp(`^${space.id}\\s+ops\\s+Europe/Paris\\s+1\\s+1\\s+0$`, 'm'));
    expect((await kairos(['spaces', 'pause', space.id], env)).stdout).toBe('Paused 1 job(s) in ops.\n');
    expect(await kairosJson(['spaces', 'get', space.id], env)).toMatchObject({ pausedJobCount: 1 });
    expect(await kairosJson(['spaces', 'resume', space.id], env)).toMatchObject({ jobsAffected: 1 });
    const busy = await kairos(['spaces', 'delete', space.id], env);
    expect(busy.code).toBe(1);
  });

  it('shows alerts, notices and a channel test', async () => {
    const channel = await f.kairos.alerts.channels.create({ type: 'webhook', name: 'cli hook', config: { url: `${f.sink.url}/alert` } });
    await f.kairos.alerts.rules.create({ name: 'cli rule', channelIds: [channel.id], tag: 'alerting' });
    const list = await kairos(['alerts', 'list'], env);
    expect(list.stdout).toMatch(/^Rules\nID\s+NAME\s+EVENTS/);
    expect(list.stdout).toMatch(/cli rule\s+job\.failed,job\.recovered\s+tag alerting/);
    expect(list.stdout).toContain('cli hook');
    expect(await kairosJson(['alerts', 'list'], env)).toMatchObject({ rules: [{ name: 'cli rule' }], channels: [{ id: channel.id }] });
    expect(await kairosJson(['alerts', 'test', channel.id], env)).toMatchObject({ delivered: true });
    expect(await kairosJson(['alerts', 'notices'], env)).toEqual([]);
    expect((await kairos(['alerts', 'notices'], env)).stderr).toBe('No notices.\n');
  });

  it('shows the projects with the plan and usage', async () => {
    const projects = await kairos(['projects'], env);
    expect(projects.stdout).toMatch(/^ID\s+NAME\s+CREATED\nprj_\S+\s+cli\s+/);
    expect(projects.stdout).toMatch(/^Plan unlimited: \d+ jobs, \d+ runs today, \d+ this month, \d+ alert rules\.$/m);
    expect(await kairosJson(['projects'], env)).toMatchObject({ projects: [{ name: 'cli' }], current: { plan: 'unlimited' } });
  });
});
