import { describe, expect, it } from 'vitest';
import { useClientFixture } from '../../sdk/test/support/fixture.js';
import { cleanEnv, freshConfigHome, kairos, kairosJson, start } from './support.js';

describe('kairos schedule explain and kairos runs tail', () => {
  const f = useClientFixture('cli-live');
  const env = () => cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: f.server.url, KAIROS_API_KEY: f.apiKey });

  it('explains a cron expression in words with its next runs in the zone, as a table or JSON', async () => {
    const text = await kairos(['schedule', 'explain', '0 9 * * 1-5', '--tz', 'Europe/Berlin', '--count', '2', '--from', '2026-12-05T12:00:00Z'], env());
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/09:00/);
    expect(lines.slice(1)).toEqual(['  2026-12-07T08:00:00.000Z  Mon 2026-12-07 09:00 Europe/Berlin', '  2026-12-08T08:00:00.000Z  Tue 2026-12-08 09:00 Europe/Berlin']);
    const json = await kairosJson(['schedule', 'explain', '*/15 * * * *', '--count', '3', '--from', '2026-12-05T12:01:00Z'], env());
    expect(json).toEqual({ description: expect.any(String), timezone: 'UTC', occurrences: ['2026-12-05T12:15:00.000Z', '2026-12-05T12:30:00.000Z', '2026-12-05T12:45:00.000Z'] });
    const bad = await kairos(['schedule', 'explain', '61 * * * *'], env());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/expression/);
    const usage = await kairos(['schedule', 'explain'], env());
    expect(usage.code).toBe(2);
  });

  it('tail prints each attempt as it happens, as lines or JSON lines, and stops cleanly on Ctrl-C', async () => {
    const job = await f.kairos.jobs.create({ name: 'tailed', url: `${f.sink.url}/tailed`, schedule: { type: 'interval', every: '1h' } });
    const human = start(['runs', 'tail', '--job', job.id], env());
    const json = start(['runs', 'tail', '--json'], env());
    try {
      await human.waitFor('stderr', new RegExp(`Following runs of ${job.id}`));
      await json.waitFor('stderr', /Following runs \(Ctrl-C to stop\)/);
      expect(human.stdout()).toBe('');
      await f.kairos.jobs.run(job.id);
      const [line] = await human.waitFor('stdout', /^.*exe_\w+.*$/m);
      expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+success\\s+200\\s+\\d+ms\\s+${job.id}\\s+exe_\\w+$`));
      const [doc] = await json.waitFor('stdout', /^\{.*\}$/m);
      expect(JSON.parse(doc)).toMatchObject({ jobId: job.id, status: 'success', statusCode: 200, triggeredBy: 'manual' });
      human.child.kill('SIGINT');
      json.child.kill('SIGINT');
      expect(await human.exited).toBe(0);
      expect(await json.exited).toBe(0);
    } finally {
      human.child.kill('SIGKILL');
      json.child.kill('SIGKILL');
    }
  });

  it('tail exits 5 for a job that does not exist and 4 without a key', async () => {
    const missing = await kairos(['runs', 'tail', '--job', 'job_missing'], env());
    expect(missing.code).toBe(5);
    const nobody = await kairos(['runs', 'tail'], cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() }));
    expect(nobody.code).toBe(4);
  });
});
