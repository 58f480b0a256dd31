import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useClientFixture } from '../../sdk/test/support/fixture.js';
import { bin, cleanEnv, freshConfigHome, start } from './support.js';

/** Runs `kairos …` on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) =>
    execFile('script', ['-qec', command, '/dev/null'], { env: { ...env, TERM: 'xterm' }, timeout: 30_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

describe('kairos on a terminal', () => {
  const f = useClientFixture('terminal');

  it.skipIf(!existsSync('/usr/bin/script'))('colours statuses on a terminal, and not with NO_COLOR', async () => {
    await f.kairos.jobs.create({ name: 'coloured', url: `${f.sink.url}/c`, schedule: { type: 'interval', every: '1h' } });
    const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: f.server.url, KAIROS_API_KEY: f.apiKey });
    const coloured = await onTerminal(['jobs', 'list'], env);
    expect(coloured).toContain('\u001b[32mactive');
    const plain = await onTerminal(['jobs', 'list'], { ...env, NO_COLOR: '1' });
    expect(plain).toContain('active');
    expect(plain).not.toContain('\u001b[');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('shows progress on stderr while it loads page after page, and none under --json', async () => {
    await f.kairos.jobs.batch(Array.from({ length: 230 }, (_, i) => ({ name: `bulk-${i}`, url: `${f.sink.url}/b`, schedule: { type: 'once' as const, delay: '1d' }, tags: ['many'] })));
    const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: f.server.url, KAIROS_API_KEY: f.apiKey });
    const shown = await onTerminal(['jobs', 'list', '--tag', 'many', '--limit', '300'], env);
    expect(shown).toContain('Loading jobs: 100 of 230');
    expect(shown).toContain('Loading jobs: 200 of 230');
    expect(shown.match(/bulk-\d+/g)).toHaveLength(230);
  });

  it.skipIf(!existsSync('/usr/bin/script'))('shows progress while an import is checked, then the table of what each entry would become', async () => {
    const file = join(freshConfigHome(), 'crontab');
    writeFileSync(file, `# tick\n*/5 * * * * curl ${f.sink.url}/tick\n`);
    const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: f.server.url, KAIROS_API_KEY: f.apiKey });
    const shown = await onTerminal(['import', file, '--dry-run'], env);
    expect(shown).toContain('Checking the import…');
    expect(shown).toMatch(/created\s+-\s+tick\s+GET/);
    expect(shown).toContain('Would import 1 (1 new, 0 updated)');
  });
});

describe('kairos dev', () => {
  it('serves on a throw-away database that may deliver to loopback, with a project ready, and removes it on exit', async () => {
    const { startSink } = await import('@kairos/testkit');
    const sink = await startSink();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const dev = start(['dev', '--port', String(port)], cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() }));
    try {
      const [, url, key] = await dev.waitFor('stderr', /export KAIROS_URL=(\S+) KAIROS_API_KEY=(\S+)/, 30_000);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const dir = (await dev.waitFor('stderr', /throw-away database \(([^)]+)\)/))[1]!;
      expect(existsSync(dir)).toBe(true);
      const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome(), KAIROS_URL: url, KAIROS_API_KEY: key });
      const { kairosJson } = await import('./support.js');
      await kairosJson(['jobs', 'create', '--url', `${sink.url}/local-app`, '--in', '100'], env);
      const [arrival] = await sink.waitFor(1);
      expect(arrival!.path).toBe('/local-app');
      dev.child.kill('SIGINT');
      expect(await dev.exited).toBe(0);
      expect(existsSync(dir)).toBe(false);
    } finally {
      dev.child.kill('SIGKILL');
      await sink.close();
    }
  });
});
