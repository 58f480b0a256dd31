import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = fileURLToPath(new URL('../bin/kairos.js', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh, empty config directory (XDG_CONFIG_HOME) for one test. */
export function freshConfigHome(): string {
  return mkdtempSync(join(tmpdir(), 'kairos-cli-config-'));
}

/** The environment a user would have: nothing of Kairos's but what the test gives. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs `kairos …` as a child process (asynchronously: the server under test lives in this process). */
export function kairos(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** Runs it and parses stdout as the one JSON document `--json` promises. */
export async function kairosJson<T = any>(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<T> {
  const r = await kairos([...args, '--json'], env, input);
  if (r.code !== 0) throw new Error(`kairos ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A long-running `kairos …` (dev, runs tail) with its output collected as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (text.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    async waitFor(stream, pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text[stream].match(pattern);
        if (m) return m;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} on ${stream} (exit ${child.exitCode}):\n${text.stdout}\n${text.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
