import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, logLevels, settings, settingsHelp, settingsTable } from '../../src/config.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const configSource = readFileSync(fileURLToPath(new URL('../../src/config.ts', import.meta.url)), 'utf8');

describe('one table of settings (issue 14, defect 9)', () => {
  it('declares every environment variable config.ts reads, and config.ts reads no other', () => {
    const named = new Set([...configSource.matchAll(/'((?:KAIROS|RESEND)_[A-Z_]+)'/g)].map((m) => m[1]!));
    const declared = Object.values(settings).map((s) => s.name);
    expect(declared).toHaveLength(28);
    expect(new Set(declared).size).toBe(declared.length);
    for (const name of named) expect(declared, name).toContain(name);
    // Only the table reads the environment: no `env.X` or `env['X']` outside it.
    expect(configSource.match(/env\.(KAIROS|RESEND)_[A-Z_]+/g)).toEqual(['env.KAIROS_PLANS', 'env.KAIROS_RATE_PROFILE']);
  });

  it('is the README table, row for row', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    expect(readme).toContain(`${settingsTable()}\n`);
  });

  it('is what kairos --help lists, every setting and the silent log level included', () => {
    const help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help).toContain(settingsHelp());
    for (const s of Object.values(settings)) expect(help).toContain(`  ${s.name} `);
    expect(help).toContain('silent');
    for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('gives each setting its documented default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'sqlite:./data/kairos.db', logLevel: 'info', registration: 'open', redisPrefix: 'kairos:', publicUrl: null });
    expect(config.engine).toMatchObject({ leaseMs: 15_000, globalConcurrency: 512, perOriginConcurrency: 256, shutdownGraceMs: 10_000, messageRetryMs: 30_000 });
  });

  it('takes every log level pino knows, silent too, and refuses others by name', () => {
    for (const level of logLevels) expect(loadConfig({ KAIROS_LOG_LEVEL: level }).logLevel).toBe(level);
    expect(() => loadConfig({ KAIROS_LOG_LEVEL: 'verbose' })).toThrow(/KAIROS_LOG_LEVEL/);
  });
});

describe('KAIROS_DATABASE_URL (issue 14, defect 5)', () => {
  it('accepts sqlite:, postgres:// and postgresql://', () => {
    for (const url of ['sqlite:./data/x.db', 'sqlite:///tmp/x.db', 'postgres://u@127.0.0.1:5432/db', 'postgresql://u:p@127.0.0.1/db']) {
      expect(loadConfig({ KAIROS_DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it('refuses any other URL at load, naming the variable and not echoing a password', () => {
    for (const url of ['mysql://x', 'mysql://root:hunter2@db/x', './data/kairos.db', 'postgres:/x', 'sqlite:', 'http://127.0.0.1/db']) {
      expect(() => loadConfig({ KAIROS_DATABASE_URL: url }), url).toThrow(/^KAIROS_DATABASE_URL must be sqlite:PATH, postgres:\/\/… or postgresql:\/\/…/);
    }
    expect(() => loadConfig({ KAIROS_DATABASE_URL: 'mysql://root:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it('stops `kairos serve` before it touches the disk', () => {
    const run = spawnSync(process.execPath, [cli, 'serve'], { encoding: 'utf8', env: { ...process.env, KAIROS_DATABASE_URL: 'mysql://x', KAIROS_PORT: '0' }, cwd: root, timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('KAIROS_DATABASE_URL');
    // Before the fix it started on a SQLite file named ./mysql:/x.
    expect(existsSync(`${root}mysql:`)).toBe(false);
  });
});
