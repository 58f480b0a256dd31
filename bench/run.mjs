// Kairos benchmark harness (issue 6).
//
//   npm run bench                      full run, SQLite and PostgreSQL (about 15 minutes)
//   npm run bench -- --quick           reduced run
//   npm run bench -- --only burst,lateness --db sqlite
//   npm run bench -- --only burst --profile      burst with the server under node --cpu-prof
//
// Scenarios: limit, burst, lateness, create, capacity, isolation (see bench/README.md).
// Everything runs on this machine against 127.0.0.1: the Kairos server (packages/server/dist,
// built by `npm run build`) and the HTTP sinks are child processes; every loop is bounded in
// count and time. Figures go to stdout (one line per scenario, then the targets) and to
// bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { Api } from '@kairos/testkit';
import { loop, requestLoop, round, summarize } from './lib/client.mjs';
import { createDatabase, dropAllDatabases, insertJobCopies, postgresAdminUrl, reapStaleDatabases, reapStaleSqliteDirs, removeSqliteFilesSync } from './lib/db.mjs';
import { analyzeProfile, formatProfile } from './lib/profile.mjs';
import { startCpuMonitor, waitForQuiet } from './lib/load.mjs';
import { killAllChildren, onServerWarning, reapOrphans, removeServerSnapshot, repoRoot, resultsDir, snapshotServer, startKairos, startSink } from './lib/proc.mjs';

// ------------------------------------------------------------------------------------------
// Options

const scenarioNames = ['limit', 'burst', 'lateness', 'create', 'capacity', 'isolation'];

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

const sizes = opts.quick
  ? { limitMs: 3_000, burstJobs: 20_000, latenessS: 15, createS: 5, batchS: 2, capacityJobs: 100_000, capacityLatenessS: 5, isolationJobs: 20_000, isolationPairs: 1, isolationLatenessS: 0, leadMs: 1_500, quietWaitMs: 3_000 }
  : { limitMs: 5_000, burstJobs: 100_000, latenessS: 60, createS: 20, batchS: 5, capacityJobs: 1_000_000, capacityLatenessS: 10, isolationJobs: 50_000, isolationPairs: 3, isolationLatenessS: 20, leadMs: 3_000, quietWaitMs: 20_000 };
/** Largest load the capacity scenario sends through single POSTs when there is no batch endpoint. */
const capacityApiMax = 200_000;
const latenessRate = 1_000;

// ------------------------------------------------------------------------------------------
// Output

const t0 = performance.now();
const stamp = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const log = (msg) => console.log(msg);
const note = (msg) => console.log(`${stamp()}  · ${msg}`);
const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const ms = (x) => (x === null || x === undefined ? 'n/a' : `${fmt(x, x < 10 ? 2 : x < 100 ? 1 : 0)} ms`);

const results = {
  mode: opts.quick ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  options: { only: [...opts.only], db: opts.db, profile: opts.profile, noBatch: opts.noBatch, sqlTrace: opts.sqlTrace },
  sizes,
  machine: machineInfo(),
  scenarios: {},
  targets: [],
};

function machineInfo() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

function record(kind, scenario, figures) {
  results.scenarios[scenario] ??= {};
  results.scenarios[scenario][kind] = figures;
  saveResults();
}

const runFile = `${results.mode}-${results.startedAt.replace(/[:.]/g, '-')}.json`;

function saveResults() {
  mkdirSync(resultsDir, { recursive: true });
  results.elapsedS = Math.round((performance.now() - t0) / 1000);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(resultsDir, 'latest.json'), text);
  // Each run is also kept under its own name, to compare runs.
  writeFileSync(join(resultsDir, runFile), text);
}

// ------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check, deadline, everyMs = 50) {
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return Boolean(await check());
}

const gc = () => globalThis.gc?.();

let okSink;
let errorSink;
let hangSink;
const sinkFor = (bad) => (bad === 'error' ? errorSink : bad === 'hang' ? hangSink : okSink);

/** A one-time job; isolation jobs get the 1 s timeout so a hanging target costs a second each. */
function jobBody(url, at, i, timeoutMs) {
  return { url, payload: { i }, schedule: { type: 'once', at }, retryPolicy: { strategy: 'none' }, ...(timeoutMs ? { timeoutMs } : {}) };
}

/** Job i of an isolation load goes to the failing target when odd. */
const isBad = (bad, i) => bad !== null && i % 2 === 1;

/** Creates per second the API achieved last on each database: sets how far ahead loads are due. */
const createRate = {};

async function estimateCreateRate(api, kind) {
  if (createRate[kind]) return createRate[kind];
  // A short calibration: jobs a year ahead, which never fire during the bench.
  const far = Date.now() + 365 * 86_400_000;
  const n = (await api.probeBatch()) ? 5_000 : 2_000;
  const r = await api.createMany(n, (i) => jobBody(`${okSink.url}/calibrate`, far + i, i), { keepIds: false });
  createRate[kind] = r.rate;
  return r.rate;
}

/** When a load of `count` jobs can be due: after creating them, with room to spare. */
function dueAfterCreating(kind, count, extraMs = 0) {
  return Math.ceil(Date.now() + (count / createRate[kind]) * 1000 * 1.3 + sizes.leadMs + extraMs);
}

function newApi(url, connections) {
  const api = new Api(url, { connections });
  if (opts.noBatch) api.batchAvailable = false;
  return api;
}

async function freshServer(kind, label, extra = {}) {
  const db = await createDatabase(kind);
  try {
    const server = await startKairos({ databaseUrl: db.url, label: `kairos-${kind}-${label}`, ...extra });
    const api = newApi(server.url, 64);
    await api.register(`bench-${label}`);
    return { db, server, api };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

async function teardown({ db, server, api }, graceMs) {
  await api?.close().catch(() => {});
  await server?.stop(graceMs);
  await db?.drop();
}

async function countRows(db, sql) {
  const rows = await db.query(sql);
  return Number(Object.values(rows[0])[0]);
}

// ------------------------------------------------------------------------------------------
// Scenario 1: limit

async function scenarioLimit() {
  await okSink.reset();
  const connections = 256;
  const r = await requestLoop(okSink.url, connections, sizes.limitMs);
  const s = await okSink.stats();
  const sinkRate = s.plain > 1 ? ((s.plain - 1) / (s.plainLast - s.plainFirst)) * 1000 : null;
  const clientRate = (r.ok / r.elapsedMs) * 1000;
  const lat = summarize(r.latencies);
  const figures = { connections, seconds: round(r.elapsedMs / 1000, 2), requests: r.ok, errors: r.errors, rps: round(sinkRate ?? clientRate, 0), clientRps: round(clientRate, 0), latencyMs: lat };
  results.limit = figures;
  record('none', 'limit', figures);
  log(`${stamp()}  [machine ] limit      ${fmt(figures.rps)} requests/s (undici, ${connections} connections, ${fmt(r.ok)} requests in ${figures.seconds} s, ${r.errors} errors; latency p50 ${ms(lat.p50)} p99 ${ms(lat.p99)})`);
  await okSink.reset();
}

const limitRatio = (rate) => (results.limit?.rps ? rate / results.limit.rps : null);
const ratioText = (rate) => {
  const r = limitRatio(rate);
  return r === null ? '' : ` (${fmt(r * 100)} % of limit)`;
};

// ------------------------------------------------------------------------------------------
// Scenario 2 (and isolation's first half): a burst of one-time jobs all due at one instant

/**
 * `profile`: 'restart' profiles a server started on the database after the jobs were created (the
 * profile shows deliveries only); 'inPlace' profiles the server that created them, from its start.
 */
async function runBurst(kind, count, { bad = null, profile = false, label = 'burst' } = {}) {
  const env = { db: null, server: null, api: null };
  const profDir = join(resultsDir, 'profiles', `${kind}-${label}-${process.pid}`);
  // On PostgreSQL the trace (a counter around each query, cheap beside a round trip) gives the
  // round trips per delivery that the target bounds.
  const traced = (opts.sqlTrace && !profile && !bad) || (kind === 'postgres' && !bad);
  Object.assign(env, await freshServer(kind, label, { sqlTrace: traced, cpuProfDir: profile === 'inPlace' ? profDir : undefined }));
  // A profile's clock starts with its process (give or take the registration after it).
  let profStart = Date.now() - env.server.startupMs;
  const figures = { jobs: count, bad };
  try {
    await estimateCreateRate(env.api, kind);
    const restartMs = profile === 'restart' ? 3_000 : 0;
    const dueAt = dueAfterCreating(kind, count, restartMs);
    await okSink.reset();
    if (bad) await sinkFor(bad).reset();
    const timeoutMs = bad ? 1_000 : undefined;
    const made = await env.api.createMany(count, (i) => jobBody(`${sinkFor(isBad(bad, i) ? bad : null).url}/burst`, dueAt, i, timeoutMs), {
      deadline: dueAt + 60_000,
      keepIds: !bad,
    });
    createRate[kind] = made.rate;
    const createdAt = Date.now();
    figures.created = { path: made.path, rate: round(made.rate, 0), finishedBeforeDueMs: dueAt - createdAt };
    if (createdAt > dueAt - 200) note(`creating the burst ran into its due instant (finished ${createdAt - dueAt} ms after it): the figure is pessimistic`);

    if (profile === 'restart') {
      // The profile should show deliveries, not the creates: the server that delivers is a
      // new one on the same database, started under --cpu-prof after the jobs were created.
      const key = env.api.key;
      await env.api.close();
      await env.server.stop();
      profStart = Date.now();
      env.server = await startKairos({
        databaseUrl: env.db.url,
        label: `kairos-${kind}-${label}-prof`,
        cpuProfDir: profDir,
        sqlTrace: traced,
      });
      env.api = newApi(env.server.url, 16);
      env.api.key = key;
      if (Date.now() > dueAt - 500) note(`the profiled server started only ${dueAt - Date.now()} ms before the due instant`);
    }

    const healthy = bad ? Math.ceil(count / 2) : count;
    // CPU is counted from the due instant (the claims ahead of it are left out).
    await sleep(Math.max(0, dueAt - Date.now()));
    const cpu0 = env.server.cpuSeconds();
    const deadline = dueAt + 30_000 + count * 3;
    const complete = await waitUntil(async () => (await okSink.count()).count >= healthy, deadline, 25);
    const seenAllAt = Date.now();
    const st = await okSink.stats({ lastIds: bad ? 0 : 200, timelineMs: 100 });
    if (!complete) note(`only ${st.count} of ${healthy} deliveries arrived by the deadline`);

    // Commit check: each delivery counts once its execution row is committed.
    let committedAt = null;
    let commitCheck = null;
    if (!bad && complete) {
      if (kind === 'postgres') {
        commitCheck = 'SELECT count(*) FROM executions, polled every 50 ms';
        const ok = await waitUntil(async () => (await countRows(env.db, 'SELECT count(*)::int AS n FROM executions')) >= count, seenAllAt + 60_000, 50);
        committedAt = ok ? Date.now() : null;
      } else {
        // The server owns the SQLite file (one process per file), so the API is asked: the 200
        // jobs that arrived last (their outcomes are written last) and 100 random ones must show
        // a lastStatus; after the server stops, the executions are counted in the file.
        const sample = new Set(st.lastIds);
        for (let k = 0; k < 100; k++) sample.add(made.ids[Math.floor(Math.random() * count)]);
        commitCheck = `GET /v1/jobs/:id lastStatus of the ${sample.size} last-arrived and random jobs, polled; then executions counted in the file after stop`;
        const pending = [...sample];
        const ok = await waitUntil(
          async () => {
            const still = [];
            await Promise.all(
              pending.splice(0).map(async (id) => {
                const r = await env.api.request('GET', `/v1/jobs/${id}`);
                if (r.status !== 200 || !r.body?.data?.lastStatus) still.push(id);
              }),
            );
            pending.push(...still);
            return pending.length === 0;
          },
          seenAllAt + 60_000,
          20,
        );
        committedAt = ok ? Date.now() : null;
      }
    }
    const cpu1 = env.server.cpuSeconds();
    const mem = env.server.memory();
    const windowMs = st.last - st.first;
    const rate = st.count > 1 ? ((st.count - 1) / windowMs) * 1000 : null;
    Object.assign(figures, {
      delivered: st.count,
      unique: st.unique,
      duplicates: st.duplicates,
      complete,
      firstLateMs: round(st.first - dueAt, 1),
      lastLateMs: round(st.last - dueAt, 1),
      windowMs: round(windowMs, 1),
      arrivalsPer100ms: st.timeline?.counts,
      rate: round(rate, 0),
      ratioToLimit: round(limitRatio(rate), 3),
      committedRate: committedAt ? round((count / (committedAt - st.first)) * 1000, 0) : null,
      commitLagMs: committedAt ? committedAt - Math.round(st.last) : null,
      commitCheck,
      serverCpuCores: cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / ((Math.max(seenAllAt, committedAt ?? 0) - dueAt) / 1000), 2) : null,
      serverRssMB: mem.rssMB,
      serverPeakRssMB: mem.hwmMB,
    });
    if (bad) {
      const bst = await sinkFor(bad).stats({ until: st.last });
      figures.badArrivals = bst.count;
      figures.badArrivalsInWindow = bst.countUntil;
      figures.badRate = bst.count > 1 ? round(((bst.count - 1) / (bst.last - bst.first)) * 1000, 0) : null;
      // Everything the engine sent while the healthy half went out, to both targets together.
      figures.combinedRate = round(((st.count + bst.countUntil) / windowMs) * 1000, 0);
    }
    await env.api.close();
    env.api = null;
    const stoppedAt = Date.now();
    await env.server.stop(bad === 'hang' ? 6_000 : 20_000);
    const trace = readSqlTrace(env.server);
    if (opts.sqlTrace) figures.sql = trace?.statements;
    if (kind === 'postgres' && trace && !bad) {
      // From the moment the jobs were all created (so the claims count) to the last commit seen.
      figures.roundTripsPerDelivery = round(statementsBetween(trace, createdAt, committedAt ?? stoppedAt) / count, 2);
    }
    if (profile) {
      const file = newestProfile(profDir);
      if (file) {
        // From the due instant to the moment the outcomes were seen committed (with a failing
        // half, to the last healthy arrival).
        const from = dueAt - profStart - 50;
        const to = (bad ? st.last : (committedAt ?? stoppedAt)) - profStart + 50;
        figures.profile = analyzeProfile(file, { top: 25, windowFromMs: from, windowToMs: to });
        figures.profile.windowNote = `samples from the due instant to ${bad ? 'the last healthy arrival' : 'the commit check'} (ms after the profiled server was spawned)`;
        figures.profileWhole = analyzeProfile(file, { top: 25 });
      }
    }
    if (!bad) {
      const kept = await countRows(env.db, 'SELECT count(*) AS n FROM executions');
      const success = await countRows(env.db, "SELECT count(*) AS n FROM executions WHERE status = 'success'");
      const left = await countRows(env.db, `SELECT count(*) AS n FROM runs WHERE due_at <= ${dueAt}`);
      figures.executions = kept;
      figures.successes = success;
      figures.runsLeft = left;
      figures.verified = kept === count && success === count && left === 0;
    }
    return figures;
  } finally {
    await teardown(env, 6_000);
  }
}

/** The server's SQL trace: `statements` (totals per statement shape) and `callsPer100ms`. */
function readSqlTrace(server) {
  if (!server?.sqlTraceFile) return undefined;
  try {
    return JSON.parse(readFileSync(server.sqlTraceFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Statements the trace saw finish between two instants (epoch ms), by 100 ms. */
function statementsBetween(trace, from, to) {
  const [first, last] = [Math.floor(from / 100), Math.floor(to / 100)];
  let n = 0;
  for (const [tenth, calls] of Object.entries(trace.callsPer100ms)) if (Number(tenth) >= first && Number(tenth) <= last) n += calls;
  return n;
}

function formatSqlTrace(list, top = 8) {
  const total = list.reduce((t, s) => t + s.totalMs, 0);
  const lines = [`SQL time by statement (${fmt(total)} ms in all; SQLite's is event-loop time, PostgreSQL's round trips):`];
  for (const s of list.slice(0, top)) {
    lines.push(
      `  ${fmt(s.totalMs).padStart(7)} ms  ${fmt(s.calls).padStart(6)} calls  avg ${ms(s.totalMs / s.calls).padStart(9)}  max ${ms(s.maxMs).padStart(9)}  ${fmt(s.rows).padStart(8)} rows  ${s.sql.slice(0, 110)}`,
    );
  }
  return lines.join('\n');
}

/**
 * The main thread's newest profile in `dir`. Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>
 * and a SQLite server's engine SQL thread writes its own (thread 1 and up) beside the main one's (0).
 */
function newestProfile(dir) {
  try {
    const files = readdirSync(dir)
      .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
      .sort();
    return files.length ? join(dir, files[files.length - 1]) : null;
  } catch {
    return null;
  }
}

async function scenarioBurst(kind) {
  const f = await runBurst(kind, sizes.burstJobs, { profile: opts.profile ? 'restart' : false });
  record(kind, 'burst', f);
  const verified = f.verified ? 'all executions recorded' : `NOT verified: ${f.executions} executions, ${f.successes} successes, ${f.runsLeft} runs left`;
  log(
    `${stamp()}  [${kind.padEnd(8)}] burst      ${fmt(f.jobs)} jobs: ${fmt(f.rate)} deliveries/s${ratioText(f.rate)}, ${fmt(f.committedRate)}/s committed (last commit ${ms(f.commitLagMs)} after the last delivery); ` +
      `first +${ms(f.firstLateMs)}, last +${ms(f.lastLateMs)} after the due instant; ${f.duplicates} duplicates; ${verified}; ` +
      `server ${fmt(f.serverCpuCores, 2)} cores, peak RSS ${fmt(f.serverPeakRssMB)} MB; created by ${f.created.path} at ${fmt(f.created.rate)}/s` +
      (f.roundTripsPerDelivery !== undefined ? `; ${fmt(f.roundTripsPerDelivery, 2)} database round trips per delivery` : ''),
  );
  if (f.profile) log(formatProfile(f.profile, 15).replace(/^/gm, '             '));
  if (f.sql) log(formatSqlTrace(f.sql).replace(/^/gm, '             '));
}

// ------------------------------------------------------------------------------------------
// Scenario 3 (and capacity's and isolation's second half): runs due at spread instants

async function latenessOn(env, kind, seconds, { bad = null } = {}) {
  const count = seconds * latenessRate;
  await estimateCreateRate(env.api, kind);
  const firstDue = dueAfterCreating(kind, count);
  await okSink.reset();
  if (bad) await sinkFor(bad).reset();
  const timeoutMs = bad ? 1_000 : undefined;
  const made = await env.api.createMany(
    count,
    (i) => jobBody(`${sinkFor(isBad(bad, i) ? bad : null).url}/late`, firstDue + Math.floor((i * 1000) / latenessRate), i, timeoutMs),
    { keepIds: false, deadline: firstDue + 30_000 },
  );
  createRate[kind] = made.rate;
  const createdAt = Date.now();
  if (createdAt > firstDue - 200) note(`creating the lateness load ran ${createdAt - firstDue} ms into its first due instant`);
  const cpu0 = env.server.cpuSeconds();
  const lastDue = firstDue + seconds * 1000;
  const healthy = bad ? Math.ceil(count / 2) : count;
  await waitUntil(() => Date.now() >= lastDue, lastDue + 1000, 200);
  const complete = await waitUntil(async () => (await okSink.count()).count >= healthy, lastDue + 15_000, 50);
  const cpu1 = env.server.cpuSeconds();
  const st = await okSink.stats({ bySecond: true, skipFirstMs: 1_000 });
  const mem = env.server.memory();
  const worst = (st.bySecond ?? []).reduce((w, b) => (b.p99 !== null && (!w || b.p99 > w.p99) ? b : w), null);
  return {
    worstSecond: worst,
    steady: st.steady,
    bySecond: st.bySecond,
    seconds,
    ratePerS: latenessRate,
    jobs: count,
    healthy,
    delivered: st.count,
    duplicates: st.duplicates,
    complete,
    created: { path: made.path, rate: round(made.rate, 0), finishedBeforeDueMs: firstDue - createdAt },
    lateness: st.lateness,
    serverCpuCores: cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / ((Date.now() - Math.max(createdAt, firstDue)) / 1000), 2) : null,
    serverRssMB: mem.rssMB,
    serverPeakRssMB: mem.hwmMB,
  };
}

function latenessText(f) {
  const l = f.lateness;
  if (!l) return 'no deliveries';
  const w = f.worstSecond ? `; worst second #${f.worstSecond.second} p99 ${ms(f.worstSecond.p99)}` : '';
  const st = f.steady ? `; without the first second: p99 ${ms(f.steady.p99)}, max ${ms(f.steady.max)}` : '';
  return `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)} (p90 ${ms(l.p90)}, p99.9 ${ms(l.p999)}; ${l.over20} over 20 ms, ${l.over100} over 100 ms${w}${st})`;
}

async function scenarioLateness(kind) {
  const env = await freshServer(kind, 'lateness', { sqlTrace: opts.sqlTrace });
  try {
    const f = await latenessOn(env, kind, sizes.latenessS);
    await env.server.stop();
    f.sql = readSqlTrace(env.server)?.statements;
    record(kind, 'lateness', f);
    log(
      `${stamp()}  [${kind.padEnd(8)}] lateness   ${fmt(f.jobs)} runs at ${fmt(f.ratePerS)}/s over ${f.seconds} s: ${latenessText(f)}; ` +
        `${fmt(f.delivered)} delivered, ${f.duplicates} duplicates; server ${fmt(f.serverCpuCores, 2)} cores`,
    );
    if (f.sql) log(formatSqlTrace(f.sql).replace(/^/gm, '             '));
  } finally {
    await teardown(env);
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 4: create

async function scenarioCreate(kind) {
  const profDir = join(resultsDir, 'profiles', `${kind}-create-${process.pid}`);
  const env = await freshServer(kind, 'create', { cpuProfDir: opts.profile ? profDir : undefined });
  const profStart = Date.now() - env.server.startupMs;
  const windows = {};
  try {
    const clients = 32;
    const api = newApi(env.server.url, clients);
    api.key = env.api.key;
    const far = Date.now() + 30 * 86_400_000;
    const url = `${okSink.url}/create`;
    let n = 0;
    const cpu0 = env.server.cpuSeconds();
    windows.single = [Date.now() - profStart];
    const r = await loop(clients, sizes.createS * 1000, async () => {
      const i = n++;
      const res = await api.request('POST', '/v1/jobs', jobBody(url, far + i, i));
      if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    });
    const cpu1 = env.server.cpuSeconds();
    windows.single.push(Date.now() - profStart);
    await api.close();
    const lat = summarize(r.latencies);
    const f = {
      clients,
      seconds: round(r.elapsedMs / 1000, 2),
      created: r.ok,
      errors: r.errors,
      firstError: r.firstError,
      rate: round((r.ok / r.elapsedMs) * 1000, 0),
      latencyMs: lat,
      serverCpuCores: round((cpu1 - cpu0) / (r.elapsedMs / 1000), 2),
    };
    if (await env.api.probeBatch()) {
      const batchClients = 4;
      const size = 1000;
      const c0 = env.server.cpuSeconds();
      windows.batch = [Date.now() - profStart];
      const b = await loop(batchClients, sizes.batchS * 1000, async () => {
        const jobs = [];
        for (let k = 0; k < size; k++) {
          const i = n++;
          jobs.push(jobBody(url, far + i, i));
        }
        await env.api.createBatch(jobs);
      });
      const c1 = env.server.cpuSeconds();
      windows.batch.push(Date.now() - profStart);
      f.batch = {
        available: true,
        clients: batchClients,
        size,
        calls: b.ok,
        errors: b.errors,
        firstError: b.firstError,
        rate: round(((b.ok * size) / b.elapsedMs) * 1000, 0),
        callLatencyMs: summarize(b.latencies),
        serverCpuCores: round((c1 - c0) / (b.elapsedMs / 1000), 2),
      };
    } else {
      f.batch = { available: false, skipped: opts.noBatch };
    }
    const mem = env.server.memory();
    f.serverPeakRssMB = mem.hwmMB;
    record(kind, 'create', f);
    const batchText = f.batch.available
      ? `batch ${fmt(f.batch.rate)} jobs/s (${f.batch.clients} clients × ${f.batch.size} jobs, call p99 ${ms(f.batch.callLatencyMs.p99)}, server ${fmt(f.batch.serverCpuCores, 2)} cores)`
      : f.batch.skipped
        ? 'batch not measured (--no-batch)'
        : 'batch endpoint missing';
    log(
      `${stamp()}  [${kind.padEnd(8)}] create     ${fmt(f.rate)} creates/s (${clients} clients, ${f.seconds} s, ${r.errors} errors), latency p50 ${ms(lat.p50)} p99 ${ms(lat.p99)} max ${ms(lat.max)}, server ${fmt(f.serverCpuCores, 2)} cores; ${batchText}`,
    );
  } finally {
    await teardown(env);
  }
  if (opts.profile) {
    const file = newestProfile(profDir);
    const figures = results.scenarios.create?.[kind];
    if (file && figures) {
      for (const [name, [from, to]] of Object.entries(windows)) {
        if (to === undefined) continue;
        const p = analyzeProfile(file, { top: 25, windowFromMs: from, windowToMs: to });
        (name === 'single' ? figures : figures.batch).profile = p;
        log(`             ${name === 'single' ? 'single creates' : 'batch'}:\n${formatProfile(p, 15).replace(/^/gm, '             ')}`);
      }
      saveResults();
    }
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 5: capacity

async function scenarioCapacity(kind) {
  const count = sizes.capacityJobs;
  const env = await freshServer(kind, 'capacity');
  try {
    const batch = await env.api.probeBatch();
    const firstDue = Date.now() + 7 * 86_400_000;
    const url = `${okSink.url}/capacity`;
    let path;
    const t = performance.now();
    if (batch || count <= capacityApiMax) {
      const made = await env.api.createMany(count, (i) => jobBody(url, firstDue + i * 1000, i), { keepIds: false, deadline: Date.now() + 30 * 60_000 });
      path = `${made.path}, ${fmt(made.rate)} jobs/s`;
      await env.api.close();
      await env.server.stop();
    } else {
      // No batch endpoint: one job through the API as the template, the rest copied from it in
      // the stopped server's database.
      const template = await env.api.createJob(jobBody(url, firstDue, 0));
      await env.api.close();
      await env.server.stop();
      await insertJobCopies(env.db, template.id, count - 1, firstDue + 1000, 1000);
      path = `direct insert into jobs and runs of the stopped server's database (${kind === 'sqlite' ? 'better-sqlite3' : 'pg, INSERT … SELECT generate_series'}), 1 template job created through the API`;
    }
    const loadS = (performance.now() - t) / 1000;
    const stored = await countRows(env.db, 'SELECT count(*) AS n FROM runs');
    const key = env.api.key;
    env.server = await startKairos({ databaseUrl: env.db.url, label: `kairos-${kind}-capacity-restart` });
    env.api = newApi(env.server.url, 64);
    env.api.key = key;
    const startupMs = env.server.startupMs;
    await sleep(1_000);
    const memStart = env.server.memory();
    const sizeBytes = await env.db.sizeBytes();
    const lat = await latenessOn(env, kind, sizes.capacityLatenessS);
    const memEnd = env.server.memory();
    const f = {
      jobs: count,
      stored,
      load: path,
      loadSeconds: round(loadS, 1),
      startupMs: round(startupMs, 0),
      rssAfterStartMB: memStart.rssMB,
      rssMB: memEnd.rssMB,
      peakRssMB: memEnd.hwmMB,
      databaseMB: round(sizeBytes / 2 ** 20, 1),
      lateness: lat.lateness,
      latenessRun: lat,
    };
    const empty = results.scenarios.lateness?.[kind]?.lateness;
    if (empty && lat.lateness) f.latenessVsEmpty = { p50: round(lat.lateness.p50 / empty.p50, 2), p99: round(lat.lateness.p99 / empty.p99, 2), max: round(lat.lateness.max / empty.max, 2) };
    record(kind, 'capacity', f);
    const vs = f.latenessVsEmpty ? ` (${f.latenessVsEmpty.p50}× / ${f.latenessVsEmpty.p99}× / ${f.latenessVsEmpty.max}× the empty case)` : '';
    log(
      `${stamp()}  [${kind.padEnd(8)}] capacity   ${fmt(stored)} future runs stored: RSS ${fmt(f.rssAfterStartMB)} MB after start, ${fmt(f.rssMB)} MB after the lateness run, peak ${fmt(f.peakRssMB)} MB; ` +
        `database ${fmt(f.databaseMB)} MB; start-up ${fmt(f.startupMs)} ms; lateness on top (${lat.seconds} s): ${latenessText(lat)}${vs}; loaded in ${fmt(f.loadSeconds, 1)} s by ${path}`,
    );
  } finally {
    await teardown(env);
  }
}

// ------------------------------------------------------------------------------------------
// Scenario 6: isolation

/** The figures whose `key` is the median (the lower middle one of an even count). */
function medianBy(list, key) {
  const sorted = [...list].sort((a, b) => (key(a) ?? 0) - (key(b) ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function scenarioIsolation(kind) {
  const out = {};
  for (const bad of ['error', 'hang']) {
    // The baseline is a healthy burst run just before, so machine noise between scenarios
    // minutes apart does not pass for a cost (or a gain). A failing (500) target costs as much
    // work per delivery as a healthy one, so its baseline has as many jobs as the whole load; a
    // hanging one costs only its slots, so its baseline is the healthy half alone: the same
    // deliveries without the hanging neighbours (a burst twice the size would show a higher
    // rate for its size alone, as the first hundred milliseconds weigh less in it).
    const baselineJobs = bad === 'hang' ? Math.ceil(sizes.isolationJobs / 2) : sizes.isolationJobs;
    // Profiled in place, the server that created the jobs: the comparison is of those servers.
    const profile = opts.profile ? 'inPlace' : false;
    // Pairs of runs, each baseline just before its isolated run; the median of each is compared,
    // as one pair on this machine differs from the next by ±15 %.
    const baselines = [];
    const runs = [];
    for (let r = 0; r < sizes.isolationPairs; r++) {
      baselines.push(await runBurst(kind, baselineJobs, { label: `isolation-${bad}-baseline`, profile }));
      runs.push(await runBurst(kind, sizes.isolationJobs, { bad, label: `isolation-${bad}`, profile }));
    }
    const baseline = medianBy(baselines, (f) => f.rate);
    const b = medianBy(runs, (f) => (bad === 'error' ? f.combinedRate : f.rate));
    let l = null;
    if (sizes.isolationLatenessS > 0) {
      const env = await freshServer(kind, `isolation-${bad}-lateness`);
      try {
        l = await latenessOn(env, kind, sizes.isolationLatenessS, { bad });
      } finally {
        await teardown(env, 6_000);
      }
    }
    const burst = baseline;
    const empty = results.scenarios.lateness?.[kind]?.lateness;
    // With a failing target the engine's throughput is both targets together; with a hanging
    // one, the healthy half alone should keep its pace.
    const measured = bad === 'error' ? b.combinedRate : b.rate;
    const f = {
      burst: b,
      baselineRate: baseline.rate,
      baselineJobs,
      baselineArrivalsPer100ms: baseline.arrivalsPer100ms,
      pairs: baselines.map((base, i) => ({ baselineRate: base.rate, rate: runs[i].rate, combinedRate: runs[i].combinedRate })),
      lateness: l,
      healthyRate: b.rate,
      combinedRate: b.combinedRate,
      comparedRate: measured,
      comparedRateIs: bad === 'error' ? 'deliveries/s to both sinks while the healthy half went out' : 'deliveries/s to the healthy sink',
      cost: burst?.rate && measured ? round(1 - measured / burst.rate, 3) : null,
      latenessVsScenario3: empty && l?.lateness ? { p50: round(l.lateness.p50 / empty.p50, 2), p99: round(l.lateness.p99 / empty.p99, 2), max: round(l.lateness.max / empty.max, 2) } : null,
    };
    out[bad] = f;
    const cost = f.cost === null ? '' : `, ${fmt(Math.abs(f.cost) * 100)} % ${f.cost >= 0 ? 'below' : 'above'} a healthy burst of ${fmt(baselineJobs)} just before (${fmt(burst.rate)}/s)${runs.length > 1 ? `; medians of ${runs.length} pairs` : ''}`;
    log(
      `${stamp()}  [${kind.padEnd(8)}] isolation  ${bad === 'error' ? '500s ' : 'hangs'}: healthy half ${fmt(b.rate)} deliveries/s, ` +
        `${bad === 'error' ? `both sinks ${fmt(b.combinedRate)}/s` : `hanging sink got ${fmt(b.badArrivals)} requests meanwhile`}${cost}; ` +
        (l
          ? `healthy lateness at ${fmt(latenessRate)} runs/s (half of them failing) over ${l.seconds} s: ${latenessText(l)}${f.latenessVsScenario3 ? ` (${f.latenessVsScenario3.p50}× / ${f.latenessVsScenario3.p99}× / ${f.latenessVsScenario3.max}× scenario 3)` : ''}`
          : 'lateness part skipped in --quick'),
    );
    for (const [name, run] of [['baseline', baseline], [bad, b]]) {
      if (run.profile) log(`             ${name}:\n${formatProfile(run.profile, 15).replace(/^/gm, '             ')}`);
    }
  }
  record(kind, 'isolation', out);
}

// ------------------------------------------------------------------------------------------
// Targets

function evaluateTargets() {
  const t = [];
  const add = (db, name, value, target, pass, unit = '') => t.push({ db, name, value, target, pass: value === null || value === undefined ? null : pass });
  const s = results.scenarios;
  const ok = (f) => (f && typeof f.error !== 'string' ? f : undefined);
  const sq = (name) => ok(s[name]?.sqlite);
  if (sq('burst')) {
    const b = sq('burst');
    add('sqlite', 'burst deliveries/s', b.rate, '≥ 10 000/s', b.rate >= 10_000);
    if (b.ratioToLimit !== null) add('sqlite', 'burst share of limit', round(b.ratioToLimit * 100, 0), '≥ 60 %', b.ratioToLimit >= 0.6);
    add('sqlite', 'burst executions all recorded', b.verified ? 'yes' : 'no', 'yes', b.verified);
  }
  if (sq('lateness')?.lateness) {
    const l = sq('lateness').lateness;
    add('sqlite', 'lateness p50 (ms)', l.p50, '≤ 2 ms', l.p50 <= 2);
    add('sqlite', 'lateness p99 (ms)', l.p99, '≤ 20 ms', l.p99 <= 20);
    add('sqlite', 'lateness max (ms)', l.max, '≤ 100 ms', l.max <= 100);
  }
  if (sq('create')) {
    const c = sq('create');
    add('sqlite', 'create/s', c.rate, '≥ 5 000/s', c.rate >= 5_000);
    add('sqlite', 'create p99 (ms)', c.latencyMs.p99, '≤ 20 ms', c.latencyMs.p99 <= 20);
    if (c.batch.available) add('sqlite', 'batch jobs/s', c.batch.rate, '≥ 50 000/s', c.batch.rate >= 50_000);
    else if (!c.batch.skipped) t.push({ db: 'sqlite', name: 'batch jobs/s', value: 'batch endpoint missing', target: '≥ 50 000/s', pass: false });
  }
  if (sq('capacity')) {
    const c = sq('capacity');
    add('sqlite', `capacity peak RSS (MB, ${fmt(c.stored)} runs)`, c.peakRssMB, '≤ 400 MB', c.peakRssMB <= 400);
    add('sqlite', 'capacity start-up (ms)', c.startupMs, '≤ 5 000 ms', c.startupMs <= 5_000);
    if (c.latenessVsEmpty) add('sqlite', 'capacity lateness p99 vs empty', c.latenessVsEmpty.p99, '≤ 1.2×', c.latenessVsEmpty.p99 <= 1.2);
  }
  if (sq('isolation')) {
    for (const bad of ['error', 'hang']) {
      const f = sq('isolation')[bad];
      if (f && f.cost !== null) add('sqlite', `isolation (${bad === 'error' ? '500s' : 'hangs'}) throughput cost`, round(f.cost * 100, 1), '≤ 10 %', f.cost <= 0.1);
    }
  }
  const pb = ok(s.burst?.postgres);
  if (pb) {
    add('postgres', 'burst deliveries/s', pb.rate, '≥ 3 000/s', pb.rate >= 3_000);
    add('postgres', 'burst executions all recorded', pb.verified ? 'yes' : 'no', 'yes', pb.verified);
    add('postgres', 'burst round trips per delivery', pb.roundTripsPerDelivery, '≤ 1', pb.roundTripsPerDelivery <= 1);
  }
  results.targets = t;
  return t;
}

function printTargets() {
  const t = evaluateTargets();
  if (t.length === 0) return;
  log('\nTargets');
  for (const r of t) {
    const verdict = r.pass === null ? ' n/a' : r.pass ? 'PASS' : 'MISS';
    const value = typeof r.value === 'number' ? fmt(r.value, Number.isInteger(r.value) ? 0 : 2) : r.value;
    log(`  ${verdict}  [${r.db.padEnd(8)}] ${r.name.padEnd(42)} ${String(value).padStart(22)}   target ${r.target}`);
  }
  const missed = t.filter((r) => r.pass === false).length;
  log(`  ${t.length - missed} of ${t.length} targets met`);
}

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

  okSink = await startSink('ok');
  if (opts.only.has('isolation')) {
    errorSink = await startSink('error');
    hangSink = await startSink('hang', 30_000);
  }
  if (opts.only.has('limit')) {
    await waitForQuiet({ maxMs: sizes.quietWaitMs, sampleMs: opts.quick ? 300 : 500 });
    const monitor = startCpuMonitor();
    await scenarioLimit();
    const cpu = monitor.stop();
    results.limit.machineCpu = cpu;
    if (cpu.foreign >= 0.15) note(`other processes used ${cpu.foreign} cores during the limit loop: it is disturbed`);
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
    await okSink?.close();
    await errorSink?.close();
    await hangSink?.close();
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
