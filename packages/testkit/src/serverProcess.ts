import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { killAllChildren, track, waitExit } from './children.js';
import { repoRoot, serverRoot } from './paths.js';

/**
 * Real `kairos serve` processes: the built CLI in a child process that a test or the bench can
 * SIGKILL or SIGTERM, with its JSON log lines kept for assertions and diagnosis.
 */

/**
 * The CLI the tests run: the workspace's build, or KAIROS_TEST_CLI (a path to another build's
 * cli/main.js, e.g. a patched copy used to check a fix; then nothing is built).
 */
export const cliPath = process.env.KAIROS_TEST_CLI || join(serverRoot, 'dist', 'cli', 'main.js');

export interface LogLine {
  /** When this process read the line (Date.now()). */
  at: number;
  level?: number;
  msg?: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the parent saw the exit (Date.now()). */
  at: number;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  label: string;
  /** http://127.0.0.1:PORT, from the "listening" log line. */
  url: string;
  /** The engine's node id, from the "listening" log line. */
  nodeId: string;
  /** When the "listening" line was read. */
  listeningAt: number;
  /** From spawn to the "listening" line, in ms. */
  startupMs: number;
  logs: LogLine[];
  /** Whatever the process wrote to stderr, and stdout lines that were not JSON. */
  output: string[];
  /** Messages of the first 20 log lines at warn level or above. */
  warnings: string[];
  exit: Exit | undefined;
  readonly alive: boolean;
  exited: Promise<Exit>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves on exit; rejects (and SIGKILLs the process) if it is still running after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /** SIGTERM (graceful: the writer drains), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL and wait for the exit; a no-op once the process is gone. */
  kill(): Promise<Exit>;
  /** The last log lines and output, for failure messages. */
  tail(lines?: number): string;
}

export interface SpawnOptions {
  databaseUrl: string;
  /**
   * 'test' (default): a clean environment (nothing of the runner's own, NODE_OPTIONS or stray
   * KAIROS_*, leaks in), 3 s leases, and the CLI built first if need be. 'bench': this
   * process's environment passed on, open registration, a 2 s shutdown grace.
   */
  preset?: 'test' | 'bench';
  /** More KAIROS_* variables; they override the preset's. */
  env?: Record<string, string>;
  /** Arguments for node before the script (--cpu-prof, --import). */
  nodeArgs?: string[];
  /** Another build's cli/main.js. */
  cli?: string;
  /** Names the process in messages. */
  label?: string;
  startTimeoutMs?: number;
  /** Told of warn-level log lines and stderr as they come, and of an exit nobody asked for. */
  onWarning?: (label: string, text: string) => void;
}

let built: Promise<void> | undefined;

/**
 * `npm test` builds first; a direct `npx vitest run` may not have. Builds once per test process,
 * serialised across the parallel test workers by a lock directory, so dist/ is current.
 */
export function ensureBuilt(): Promise<void> {
  if (process.env.KAIROS_TEST_CLI) return Promise.resolve();
  built ??= (async () => {
    const lock = join(tmpdir(), `kairos-build-lock-${Buffer.from(repoRoot).toString('hex').slice(-32)}`);
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        // A lock left by a test run that was killed mid-build: no build takes a minute.
        try {
          if (Date.now() - statSync(lock).mtimeMs > 60_000) rmdirSync(lock);
        } catch {
          // gone meanwhile
        }
        if (Date.now() > deadline) throw new Error(`could not take the build lock ${lock}; remove it if no build is running`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    try {
      execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', serverRoot], { cwd: repoRoot, stdio: 'pipe', timeout: 110_000 });
    } catch (err) {
      const out = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`building packages/server failed:\n${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`);
    } finally {
      rmdirSync(lock);
    }
  })();
  return built;
}

/** Starts `node <cli> serve` and resolves once it logs that it is listening. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const preset = options.preset ?? 'test';
  const label = options.label ?? 'kairos';
  const warn = options.onWarning ?? (() => {});
  if (preset === 'test' && !options.cli) await ensureBuilt();
  const common = {
    KAIROS_PORT: '0',
    KAIROS_HOST: '127.0.0.1',
    KAIROS_DATABASE_URL: options.databaseUrl,
    KAIROS_ALLOW_TARGETS: '127.0.0.0/8',
    // At warn the listening line itself is not written; request logging is off in the server,
    // so info adds only a few lines per start.
    KAIROS_LOG_LEVEL: 'info',
  };
  const env: Record<string, string | undefined> =
    preset === 'test'
      ? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...common, KAIROS_LEASE_MS: '3000', ...options.env }
      : { ...process.env, ...common, KAIROS_SHUTDOWN_GRACE_MS: '2000', KAIROS_REGISTRATION: 'open', ...options.env };
  const t0 = performance.now();
  const child = track(spawn(process.execPath, [...(options.nodeArgs ?? []), options.cli ?? cliPath, 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] }), label);

  const logs: LogLine[] = [];
  const output: string[] = [];
  const warnings: string[] = [];
  let stderrSeen = 0;
  let exit: Exit | undefined;
  let stopping = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    });
  });

  let onListening: ((line: LogLine) => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = { ...(JSON.parse(text) as object), at: Date.now() } as LogLine;
    } catch {
      output.push(text);
      return;
    }
    logs.push(line);
    if (typeof line.msg === 'string' && /^Kairos \S+ listening$/.test(line.msg) && line.url) onListening?.(line);
    else if ((line.level ?? 0) >= 40) {
      const err = line.err as { message?: string } | undefined;
      const text = line.msg + (err?.message ? `: ${err.message}` : '');
      if (warnings.length < 5) warn(label, text);
      if (warnings.length < 20) warnings.push(text);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => {
    if (stderrSeen < 2_000) warn(label, `stderr: ${text.trim().slice(0, 300)}`);
    stderrSeen += text.length;
    output.push(text);
  });

  const tail = (n = 30) => [...logs.slice(-n).map((l) => JSON.stringify(l)), ...output.slice(-n)].join('\n') || '(no output)';

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let listening: LogLine;
  try {
    listening = await new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label} did not log "listening" within ${timeoutMs} ms`)), timeoutMs);
      onListening = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      void exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited before listening (code ${e.code}, signal ${e.signal})`));
      });
    });
  } catch (err) {
    if (!exit) {
      child.kill('SIGKILL');
      await exited;
    }
    throw new Error(`${(err as Error).message}\n${tail()}`);
  }
  const startupMs = performance.now() - t0;
  // A server that ends on its own (not stopped by its parent) is worth a line.
  void exited.then((e) => {
    if (!stopping) warn(label, `exited unexpectedly (${e.signal ?? `code ${e.code}`})\n${tail(10)}`);
  });

  return {
    child,
    pid: child.pid!,
    label,
    url: String(listening.url),
    nodeId: String(listening.node),
    listeningAt: listening.at,
    startupMs,
    logs,
    output,
    warnings,
    get exit() {
      return exit;
    },
    get alive() {
      return !exit;
    },
    exited,
    signal(signal) {
      if (signal === 'SIGTERM' || signal === 'SIGKILL' || signal === 'SIGINT') stopping = true;
      if (!exit) child.kill(signal);
    },
    async waitForExit(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        stopping = true;
        child.kill('SIGKILL');
        await exited;
        throw new Error(`${label} ${child.pid} did not exit within ${timeoutMs} ms; killed it\n${tail()}`);
      }
      return result;
    },
    async stop(graceMs = 15_000) {
      stopping = true;
      if (exit) return;
      child.kill('SIGTERM');
      if (!(await waitExit(child, graceMs))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    },
    async kill() {
      stopping = true;
      if (!exit) child.kill('SIGKILL');
      return exited;
    },
    tail,
  };
}

/** SIGKILLs every server (and sink process) this process started that is still running. */
export const killAllServers = killAllChildren;
