// Kairos benchmark harness (issue 6).
//
//   npm run bench                      full run, SQLite and PostgreSQL (about 15 minutes)
//   npm run bench -- --quick           reduced run
//   npm run bench -- --only burst,lateness --db sqlite
//   npm run bench -- --only burst --profile      burst with the server under node --cpu-prof
//
// Scenarios: limit, schedule, burst, lateness, create, capacity, isolation (see bench/README.md), one file
// each under bench/scenarios/; the targets they are held to in bench/targets.mjs; what they share
// (options, sizes, results, output, sinks, fresh servers) in bench/harness.mjs. This file only
// parses the options and runs them.
// Everything runs on this machine against 127.0.0.1: the Kairos server (packages/server/dist,
// built by `npm run build`) and the HTTP sinks are child processes; every loop is bounded in
// count and time. Figures go to stdout (one line per scenario, then the targets) and to
// bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { dropAllDatabases, postgresAdminUrl, reapStaleDatabases, reapStaleSqliteDirs, removeSqliteFilesSync } from './lib/db.mjs';
import { startCpuMonitor, waitForQuiet } from './lib/load.mjs';
import { killAllChildren, onServerWarning, reapOrphans, removeServerSnapshot, repoRoot, resultsDir, snapshotServer } from './lib/proc.mjs';
import { closeSinks, configure, fmt, gc, log, note, record, results, saveResults, sizes, sleep, stamp, startSinks } from './harness.mjs';
import { scenarioLimit } from './scenarios/limit.mjs';
import { scenarioSchedule } from './scenarios/schedule.mjs';
import { scenarioBurst } from './scenarios/burst.mjs';
import { scenarioLateness } from './scenarios/lateness.mjs';
import { scenarioCreate } from './scenarios/create.mjs';
import { scenarioCapacity } from './scenarios/capacity.mjs';
import { scenarioIsolation } from './scenarios/isolation.mjs';
import { printTargets } from './targets.mjs';

// ------------------------------------------------------------------------------------------
// Options

const scenarioNames = ['limit', 'schedule', 'burst', 'lateness', 'create', 'capacity', 'isolation'];

function parseArgs(argv) {
  const o = { quick: false, only: new Set(scenarioNames), onlyGiven: false, db: ['sqlite', 'postgres'], profile: false, noBatch: false, sqlTrace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--no-batch') o.noBatch = true;
    else if (a === '--sql-trace') o.sqlTrace = true;
    else if (a.startsWith('--only')) {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names) if (!scenarioNames.includes(n)) usage(`unknown scenario "${n}"`);
      o.only = new Set(names);
      o.onlyGiven = true;
    } else if (a.startsWith('--db')) {
      const v = value();
      if (v === 'both') o.db = ['sqlite', 'postgres'];
      else if (v === 'sqlite' || v === 'postgres') o.db = [v];
      else usage(`--db takes sqlite, postgres or both, not "${v}"`);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option "${a}"`);
  }
  return o;
}

function usage(problem) {
  if (problem) console.error(`bench: ${problem}\n`);
  console.error(`Usage: npm run bench -- [--quick] [--only ${scenarioNames.join(',')}] [--db sqlite|postgres|both] [--profile] [--no-batch]

  --quick      reduced sizes (under two minutes)
  --only       scenarios to run (default: all)
  --db         databases to run them on (default: both)
  --profile    run the burst's delivering server (and the create and isolation servers) under node --cpu-prof and print their top functions
  --no-batch   act as if POST /v1/jobs/batch did not exist (single POSTs, direct inserts)
  --sql-trace  time every SQL statement in the servers of burst and lateness and print the
               costliest (with --profile, the wrapper's frames stand for SQLite's own time)`);
  process.exit(problem ? 2 : 0);
}

const opts = parseArgs(process.argv.slice(2));
configure(opts);

// ------------------------------------------------------------------------------------------
// Main, and cleanup on every way out

function codeInfo() {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('log', '-1', '--format=%h %s').slice(0, 100) || 'unknown',
    dirty: git('status', '--porcelain', '--', 'packages/server/src').split('\n').filter(Boolean),
  };
}

async function versions() {
  const v = {};
  try {
    const raw = new Sqlite(':memory:');
    v.sqlite = raw.prepare('SELECT sqlite_version() AS v').get().v;
    raw.close();
  } catch {}
  if (opts.db.includes('postgres')) {
    const c = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 5_000 });
    await c.connect();
    v.postgres = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
  }
  return v;
}

async function main() {
  onServerWarning((label, text) => note(`${label} says: ${text}`));
  reapOrphans(note);
  reapStaleSqliteDirs(note);
  if (opts.db.includes('postgres')) await reapStaleDatabases(note);
  results.code = codeInfo();
  snapshotServer();
  const m = results.machine;
  Object.assign(m, await versions());
  log(`Kairos benchmark (${results.mode}) ${results.startedAt}`);
  log(`machine: ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryMB / 1024, 1)} GiB, node ${m.node}, ${m.kernel}; SQLite ${m.sqlite ?? '?'}${m.postgres ? `, PostgreSQL ${m.postgres} (same machine)` : ''}`);
  log(`code: ${results.code.commit}${results.code.dirty.length ? ` + ${results.code.dirty.length} uncommitted files under packages/server/src` : ''} (dist copied at start)`);
  log(`scenarios: ${[...opts.only].join(', ')}; databases: ${opts.db.join(', ')}\n`);

  await startSinks({ isolation: opts.only.has('isolation') });
  if (opts.only.has('limit')) {
    await waitForQuiet({ maxMs: sizes.quietWaitMs, sampleMs: opts.quick ? 300 : 500 });
    const monitor = startCpuMonitor();
    await scenarioLimit();
    const cpu = monitor.stop();
    results.limit.machineCpu = cpu;
    if (cpu.foreign >= 0.15) note(`other processes used ${cpu.foreign} cores during the limit loop: it is disturbed`);
  }
  if (opts.only.has('schedule')) {
    gc();
    try {
      await scenarioSchedule();
    } catch (err) {
      record('none', 'schedule', { error: String(err?.stack ?? err) });
      log(`${stamp()}  [machine ] schedule   FAILED: ${err?.message ?? err}`);
    }
  }
  const order = ['lateness', 'burst', 'create', 'capacity', 'isolation'];
  // --quick keeps to two minutes: PostgreSQL runs the scenarios it has a target or a
  // comparison for (burst, lateness, create) unless --only names others.
  const quickPostgres = new Set(['burst', 'lateness', 'create']);
  for (const kind of opts.db) {
    for (const name of order) {
      if (!opts.only.has(name)) continue;
      if (opts.quick && !opts.onlyGiven && kind === 'postgres' && !quickPostgres.has(name)) {
        note(`${name} on postgres skipped in --quick (name it with --only to run it)`);
        continue;
      }
      gc();
      const quiet = await waitForQuiet({ maxMs: sizes.quietWaitMs, sampleMs: opts.quick ? 300 : 500 });
      if (!quiet.quiet) note(`the machine is not quiet: other processes use ${quiet.foreign} cores (${quiet.busiestForeign.map((f) => `pid ${f.pid} ${f.cmd}`).join('; ')}); figures will suffer`);
      const monitor = startCpuMonitor();
      try {
        if (name === 'burst') await scenarioBurst(kind);
        else if (name === 'lateness') await scenarioLateness(kind);
        else if (name === 'create') await scenarioCreate(kind);
        else if (name === 'capacity') await scenarioCapacity(kind);
        else if (name === 'isolation') await scenarioIsolation(kind);
      } catch (err) {
        results.scenarios[name] ??= {};
        results.scenarios[name][kind] = { error: String(err?.stack ?? err) };
        log(`${stamp()}  [${kind.padEnd(8)}] ${name.padEnd(10)} FAILED: ${err?.message ?? err}`);
        if (interrupted) throw err;
      }
      const cpu = monitor.stop();
      if (results.scenarios[name]?.[kind]) results.scenarios[name][kind].machineCpu = cpu;
      if (cpu.foreign >= 0.15) {
        note(`other processes used ${cpu.foreign} cores during ${name} on ${kind} (${cpu.busiestForeign.map((f) => `pid ${f.pid} ${f.cmd}: ${f.cores}`).join('; ')}): its figures are disturbed`);
      }
      saveResults();
    }
  }
  printTargets();
  results.finishedAt = new Date().toISOString();
  saveResults();
  log(`\nfigures written to ${join(resultsDir, 'latest.json')} (${results.elapsedS} s in total)`);
}

let interrupted = false;
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    killAllChildren();
    await Promise.race([dropAllDatabases(), sleep(15_000)]);
    removeSqliteFilesSync();
    removeServerSnapshot();
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\nbench: ${signal}, stopping the children and dropping the databases…`);
    saveResults();
    cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  killAllChildren();
  removeSqliteFilesSync();
  removeServerSnapshot();
});

main().then(
  async () => {
    await closeSinks();
    await cleanup();
    process.exit(0);
  },
  async (err) => {
    console.error(`bench failed: ${err?.stack ?? err}`);
    results.error = String(err?.stack ?? err);
    saveResults();
    await cleanup();
    process.exit(1);
  },
);
