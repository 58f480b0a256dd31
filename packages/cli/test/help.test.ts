import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../src/main.js';
import { cleanEnv, freshConfigHome, kairos } from './support.js';

function allCommands(command: Command, path: string[] = []): Array<[string, Command]> {
  return command.commands.flatMap((sub) => [[[...path, sub.name()].join(' '), sub] as [string, Command], ...allCommands(sub, [...path, sub.name()])]);
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('kairos --help', () => {
  const commands = allCommands(program());

  it('covers the commands the issue names', () => {
    const names = commands.map(([name]) => name);
    for (const name of ['serve', 'dev', 'login', 'projects', 'jobs list', 'jobs get', 'jobs create', 'jobs edit', 'jobs pause', 'jobs resume', 'jobs run', 'jobs delete', 'runs list', 'runs get', 'runs replay', 'runs tail', 'schedule explain', 'import', 'export', 'keys list', 'keys create', 'keys revoke', 'spaces list', 'alerts list']) {
      expect(names).toContain(name);
    }
  });

  it.each(commands.map(([name, command]) => [name, command] as const))('"kairos %s --help" shows an example', (name, command) => {
    const help = helpOf(command);
    expect(help).toMatch(/Examples:\n {2}\$ kairos /);
    expect(help).toContain(name.split(' ').at(-1));
  });

  it('shows the exit codes, and delegates the server\'s settings to "kairos serve --help"', async () => {
    const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() });
    const top = await kairos(['--help'], env);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Exit codes: 0 ok, 1 failed, 2 usage error, 4 not authenticated, 5 not found.');
    const serve = await kairos(['serve', '--help'], env);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain('KAIROS_DATABASE_URL');
  });

  it('suggests the command or option meant on a typo, with exit code 2', async () => {
    const env = cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() });
    const command = await kairos(['jbos', 'list'], env);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('(Did you mean jobs?)');
    const sub = await kairos(['runs', 'lsit'], env);
    expect(sub).toMatchObject({ code: 2, stdout: '' });
    expect(sub.stderr).toContain('(Did you mean list?)');
    const option = await kairos(['jobs', 'list', '--staus', 'paused'], env);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('(Did you mean --status?)');
    const value = await kairos(['jobs', 'list', '--status', 'sleeping'], env);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain("Allowed choices are active, paused, completed, failed, cancelled");
  });
});

describe('kairos in a pipeline', () => {
  it('ends quietly with 0 when the reader closes the pipe before the output is written', async () => {
    const { execFile } = await import('node:child_process');
    const bin = new URL('../bin/kairos.js', import.meta.url).pathname;
    // `true` exits without reading, so the help is written into a closed pipe (EPIPE).
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" --help | true`], { env: cleanEnv({ XDG_CONFIG_HOME: freshConfigHome() }) }, (err, _stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, stderr }),
      );
    });
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.code).toBe(0);
  });
});
