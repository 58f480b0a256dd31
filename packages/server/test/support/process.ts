import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Real `kairos serve` processes for the fault tests: the built CLI in a child process that a
 * test can SIGKILL or SIGTERM, with its JSON log lines kept for assertions and diagnosis.
 */

const serverRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
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
  /** When the test process saw the exit (Date.now()). */
  at: number;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT, from the "listening" log line. */
  url: string;
  /** The engine's node id, from the "listening" log line. */
  nodeId: string;
  /** When the "listening" line was read. */
  listeningAt: number;
  logs: LogLine[];
  /** Whatever the process wrote to stderr, and stdout lines that were not JSON. */
  output: string[];
  exit: Exit | undefined;
  exited: Promise<Exit>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves on exit; rejects (and SIGKILLs the process) if it is still running after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL and wait for the exit; a no-op once the process is gone. */
  kill(): Promise<Exit>;
  /** The last log lines and output, for failure messages. */
  tail(lines?: number): string;
}

export interface SpawnOptions {
  databaseUrl: string;
  /** More KAIROS_* variables; they override the defaults below. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test worker that dies must not leave servers behind: kill exactly the ones started here.
  process.on('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
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

/** Starts `node dist/cli/main.js serve` and resolves once it logs that it is listening. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  await ensureBuilt();
  installExitHook();
  // A clean environment: nothing of the test runner's own (NODE_OPTIONS, stray KAIROS_*) leaks in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    KAIROS_PORT: '0',
    KAIROS_HOST: '127.0.0.1',
    KAIROS_DATABASE_URL: options.databaseUrl,
    KAIROS_ALLOW_TARGETS: '127.0.0.0/8',
    KAIROS_LOG_LEVEL: 'info',
    KAIROS_LEASE_MS: '3000',
    ...options.env,
  };
  const child = spawn(process.execPath, [cliPath, 'serve'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);

  const logs: LogLine[] = [];
  const output: string[] = [];
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
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
    if (typeof line.msg === 'string' && /^Kairos \S+ listening$/.test(line.msg)) onListening?.(line);
  });
  createInterface({ input: child.stderr! }).on('line', (text) => output.push(text));

  const tail = (n = 30) =>
    [...logs.slice(-n).map((l) => JSON.stringify(l)), ...output.slice(-n)].join('\n') || '(no output)';

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let listening: LogLine;
  try {
    listening = await new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not log "listening" within ${timeoutMs} ms`)), timeoutMs);
      onListening = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      void exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`server exited before listening (code ${e.code}, signal ${e.signal})`));
      });
    });
  } catch (err) {
    if (!exit) {
      child.kill('SIGKILL');
      await exited;
    }
    throw new Error(`${(err as Error).message}\n${tail()}`);
  }

  const server: ServerProcess = {
    child,
    pid: child.pid!,
    url: String(listening.url),
    nodeId: String(listening.node),
    listeningAt: listening.at,
    logs,
    output,
    get exit() {
      return exit;
    },
    exited,
    signal(signal) {
      if (!exit) child.kill(signal);
    },
    async waitForExit(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`server ${child.pid} did not exit within ${timeoutMs} ms; killed it\n${tail()}`);
      }
      return result;
    },
    async kill() {
      if (!exit) child.kill('SIGKILL');
      return exited;
    },
    tail,
  };
  return server;
}

/** SIGKILLs every server this test process started that is still running. */
export async function killAllServers(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of live) {
    waits.push(new Promise((r) => child.once('exit', r)));
    child.kill('SIGKILL');
  }
  await Promise.all(waits);
}
