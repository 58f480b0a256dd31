// Child processes of the harness: the Kairos server and the sinks, started by the test kit, which
// registers every child so that every exit path (normal end, error, Ctrl-C, SIGTERM) ends them;
// their ids are also written to a file here so that a harness killed with SIGKILL has its orphans
// ended on the next run.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killAllChildrenSync, liveChildren, onChildrenChange, sinkProcessScript, spawnServer, startSinkProcess } from '@kairos/testkit';

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

/** The built server's dist directory the bench measures: the snapshot's once taken, else packages/server/dist. */
export function serverDist() {
  return join(serverMain, '..', '..');
}

export function removeServerSnapshot() {
  if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
}

let warningSink = () => {};
/** Where the servers' warnings and errors go as they happen (the first few per server). */
export function onServerWarning(fn) {
  warningSink = fn;
}

function savePids() {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(pidFile, JSON.stringify({ harness: process.pid, children: liveChildren() }));
}
onChildrenChange(savePids);

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
    if (cmd && (cmd.includes(sinkProcessScript) || cmd.includes('bench/results/.server-') || cmd.includes(serverMain))) {
      try {
        process.kill(pid, 'SIGKILL');
        log?.(`ended orphan ${tag} (pid ${pid}) of an earlier run`);
      } catch {}
    }
  }
}

/** SIGKILL to every child still running; synchronous so it works from an 'exit' handler. */
export function killAllChildren() {
  killAllChildrenSync();
  try {
    savePids();
  } catch {}
}

// ------------------------------------------------------------------------------------------
// Sink: the test kit's, in a process of its own

export const startSink = startSinkProcess;

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
 * Spawns `node packages/server/dist/cli/main.js serve` (the snapshot when one was taken) through
 * the test kit and resolves once its "listening" log line names the URL.
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
  const server = await spawnServer({ databaseUrl, preset: 'bench', env, nodeArgs, cli: serverMain, label, startTimeoutMs: timeoutMs, onWarning: (l, text) => warningSink(l, text) });
  return {
    url: server.url,
    pid: server.pid,
    startupMs: server.startupMs,
    warnings: server.warnings,
    sqlTraceFile,
    memory: () => memoryOf(server.pid),
    cpuSeconds: () => cpuSecondsOf(server.pid),
    get alive() {
      return server.alive;
    },
    stop: (graceMs) => server.stop(graceMs),
    async kill() {
      await server.kill();
    },
  };
}
