// Child processes of the harness: the Kairos server and the sinks. Every child is registered
// here so that every exit path (normal end, error, Ctrl-C, SIGTERM) ends them; their ids are also
// written to a file so that a harness killed with SIGKILL has its orphans ended on the next run.
import { spawn, fork } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const resultsDir = join(repoRoot, 'bench', 'results');
const pidFile = join(resultsDir, '.children.json');
let serverMain = join(repoRoot, 'packages', 'server', 'dist', 'cli', 'main.js');
let snapshotDir;

/**
 * Copies the built server (packages/server/dist and its package.json) under bench/results, so
 * that a rebuild of packages/server while the bench runs does not change the code measured
 * halfway. Its dependencies still resolve from the repository's node_modules.
 */
export function snapshotServer() {
  snapshotDir = join(resultsDir, `.server-${process.pid}`);
  rmSync(snapshotDir, { recursive: true, force: true });
  mkdirSync(snapshotDir, { recursive: true });
  cpSync(join(repoRoot, 'packages', 'server', 'dist'), join(snapshotDir, 'dist'), { recursive: true });
  cpSync(join(repoRoot, 'packages', 'server', 'package.json'), join(snapshotDir, 'package.json'));
  serverMain = join(snapshotDir, 'dist', 'cli', 'main.js');
  return snapshotDir;
}

export function removeServerSnapshot() {
  if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
}

const children = new Set();
let warningSink = () => {};
/** Where the servers' warnings and errors go as they happen (the first few per server). */
export function onServerWarning(fn) {
  warningSink = fn;
}

function savePids() {
  mkdirSync(resultsDir, { recursive: true });
  const list = [...children].filter((c) => c.pid && c.exitCode === null && c.signalCode === null).map((c) => ({ pid: c.pid, tag: c.benchTag }));
  writeFileSync(pidFile, JSON.stringify({ harness: process.pid, children: list }));
}

function track(child, tag) {
  child.benchTag = tag;
  children.add(child);
  savePids();
  child.once('exit', () => {
    children.delete(child);
    savePids();
  });
  return child;
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return null;
  }
}

/** Ends children left behind by a previous harness that was killed outright. */
export function reapOrphans(log) {
  // Server copies of harnesses that are gone.
  try {
    for (const name of readdirSync(resultsDir)) {
      const pid = Number(/^\.server-(\d+)$/.exec(name)?.[1]);
      if (pid && pid !== process.pid && !cmdline(pid)?.includes('bench/run.mjs')) rmSync(join(resultsDir, name), { recursive: true, force: true });
    }
  } catch {}
  if (!existsSync(pidFile)) return;
  let saved;
  try {
    saved = JSON.parse(readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  if (saved.harness && cmdline(saved.harness)?.includes('bench/run.mjs')) return; // still running
  for (const { pid, tag } of saved.children ?? []) {
    const cmd = cmdline(pid);
    // Only processes that are still what we started: the sink script or the Kairos CLI.
    if (cmd && (cmd.includes('bench/lib/sink.mjs') || cmd.includes('bench/results/.server-') || cmd.includes(serverMain))) {
      try {
        process.kill(pid, 'SIGKILL');
        log?.(`ended orphan ${tag} (pid ${pid}) of an earlier run`);
      } catch {}
    }
  }
}

/** SIGKILL to every child still running; synchronous so it works from an 'exit' handler. */
export function killAllChildren() {
  for (const c of children) {
    try {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    } catch {}
  }
  children.clear();
  try {
    savePids();
  } catch {}
}

function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

// ------------------------------------------------------------------------------------------
// Sink

export async function startSink(mode = 'ok', hangMs = 30_000) {
  const child = track(fork(join(here, 'sink.mjs'), [mode, String(hangMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), `sink-${mode}`);
  let seq = 0;
  const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m.ready) return resolve(m.port);
      const p = pending.get(m.id);
      if (p) {
        pending.delete(m.id);
        p(m.data);
      }
    });
    child.once('exit', (code) => reject(new Error(`sink (${mode}) exited with ${code} before it was ready`)));
  });
  const port = await ready;
  const call = (cmd, opts) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`sink (${mode}) is gone`));
      const id = ++seq;
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`sink (${mode}) did not answer ${cmd}`));
      }, 60_000);
      pending.set(id, (d) => {
        clearTimeout(t);
        resolve(d);
      });
      child.send({ id, cmd, opts });
    });
  return {
    mode,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    reset: () => call('reset'),
    count: () => call('count'),
    stats: (opts) => call('stats', opts),
    async close() {
      try {
        await call('close');
      } catch {}
      if (!(await waitExit(child, 2_000))) child.kill('SIGKILL');
    },
  };
}

// ------------------------------------------------------------------------------------------
// Kairos server

/** VmRSS and VmHWM of a process in MB, from /proc. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: Math.round(kb('VmRSS') / 102.4) / 10, hwmMB: Math.round(kb('VmHWM') / 102.4) / 10 };
  } catch {
    return { rssMB: null, hwmMB: null };
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Spawns `node packages/server/dist/cli/main.js serve` and resolves once its "listening" log line
 * names the URL. KAIROS_LOG_LEVEL is info: at warn the listening line itself is not written, and
 * request logging is off in the server, so info adds only a few lines per start.
 */
let traceSeq = 0;

export async function startKairos({ databaseUrl, env = {}, cpuProfDir, sqlTrace = false, label = 'kairos', timeoutMs = 120_000 }) {
  const nodeArgs = [];
  let sqlTraceFile;
  if (sqlTrace) {
    mkdirSync(join(resultsDir, 'sql'), { recursive: true });
    sqlTraceFile = join(resultsDir, 'sql', `${label}-${process.pid}-${++traceSeq}.json`);
    nodeArgs.push('--import', pathToFileURL(join(here, 'sqlTrace.mjs')).href);
    env = { ...env, KAIROS_BENCH_SQL_TRACE: sqlTraceFile };
  }
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  }
  const t0 = performance.now();
  const child = track(
    spawn(process.execPath, [...nodeArgs, serverMain, 'serve'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KAIROS_PORT: '0',
        KAIROS_HOST: '127.0.0.1',
        KAIROS_DATABASE_URL: databaseUrl,
        KAIROS_ALLOW_TARGETS: '127.0.0.0/8',
        KAIROS_LOG_LEVEL: 'info',
        KAIROS_SHUTDOWN_GRACE_MS: '2000',
        KAIROS_REGISTRATION: 'open',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    label,
  );
  const tail = [];
  const keep = (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  let buffered = '';
  let stderr = '';
  const warnings = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no listening line within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        keep(line);
        let rec;
        try {
          rec = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof rec.msg === 'string' && /^Kairos \S+ listening$/.test(rec.msg) && rec.url) {
          clearTimeout(timer);
          resolve(rec.url);
        } else if (rec.level >= 40) {
          const text = rec.msg + (rec.err?.message ? `: ${rec.err.message}` : '');
          if (warnings.length < 5) warningSink(label, text);
          if (warnings.length < 20) warnings.push(text);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      if (stderr.length < 2_000) warningSink(label, `stderr: ${String(c).trim().slice(0, 300)}`);
      stderr += c;
      if (stderr.length > 8_000) stderr = stderr.slice(-8_000);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before listening\n${stderr}\n${tail.join('\n')}`));
    });
  });
  const startupMs = performance.now() - t0;
  // A server that ends on its own (not stopped by the harness) is worth a line: its figures are void.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) warningSink(label, `exited unexpectedly (${signal ?? `code ${code}`})\n${stderr.slice(-2_000)}\n${tail.slice(-10).join('\n')}`);
  });
  return {
    url,
    pid: child.pid,
    startupMs,
    warnings,
    sqlTraceFile,
    memory: () => memoryOf(child.pid),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    /** SIGTERM (graceful: the writer drains), then SIGKILL after `graceMs`. */
    async stop(graceMs = 15_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitExit(child, graceMs))) {
        child.kill('SIGKILL');
        await waitExit(child, 5_000);
      }
    },
    async kill() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await waitExit(child, 5_000);
    },
  };
}
