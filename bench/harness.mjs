// The harness's shared state: the options run.mjs parsed, the sizes they give, the results file,
// the output helpers, the sinks, and what every scenario does to get a fresh server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Api } from '@kairos/testkit';
import { createDatabase } from './lib/db.mjs';
import { resultsDir, startKairos, startSink } from './lib/proc.mjs';

export let opts;
export let sizes;
export let results;
let runFile;

/** Takes the parsed options; every scenario reads them (and the sizes and results) from here. */
export function configure(o) {
  opts = o;
  sizes = o.quick
    ? { limitMs: 3_000, burstJobs: 20_000, latenessS: 15, createS: 5, batchS: 2, capacityJobs: 100_000, capacityLatenessS: 5, isolationJobs: 20_000, isolationPairs: 1, isolationLatenessS: 0, leadMs: 1_500, quietWaitMs: 3_000 }
    : { limitMs: 5_000, burstJobs: 100_000, latenessS: 60, createS: 20, batchS: 5, capacityJobs: 1_000_000, capacityLatenessS: 10, isolationJobs: 50_000, isolationPairs: 3, isolationLatenessS: 20, leadMs: 3_000, quietWaitMs: 20_000 };
  results = {
    mode: opts.quick ? 'quick' : 'full',
    startedAt: new Date().toISOString(),
    options: { only: [...opts.only], db: opts.db, profile: opts.profile, noBatch: opts.noBatch, sqlTrace: opts.sqlTrace },
    sizes,
    machine: machineInfo(),
    scenarios: {},
    targets: [],
  };
  runFile = `${results.mode}-${results.startedAt.replace(/[:.]/g, '-')}.json`;
}

/** Largest load the capacity scenario sends through single POSTs when there is no batch endpoint. */
export const capacityApiMax = 200_000;
export const latenessRate = 1_000;

// ------------------------------------------------------------------------------------------
// Output

const t0 = performance.now();
export const stamp = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
export const log = (msg) => console.log(msg);
export const note = (msg) => console.log(`${stamp()}  · ${msg}`);
export const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
export const ms = (x) => (x === null || x === undefined ? 'n/a' : `${fmt(x, x < 10 ? 2 : x < 100 ? 1 : 0)} ms`);


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

export function record(kind, scenario, figures) {
  results.scenarios[scenario] ??= {};
  results.scenarios[scenario][kind] = figures;
  saveResults();
}


export function saveResults() {
  mkdirSync(resultsDir, { recursive: true });
  results.elapsedS = Math.round((performance.now() - t0) / 1000);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(resultsDir, 'latest.json'), text);
  // Each run is also kept under its own name, to compare runs.
  writeFileSync(join(resultsDir, runFile), text);
}

// ------------------------------------------------------------------------------------------
// Helpers

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(check, deadline, everyMs = 50) {
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return Boolean(await check());
}

export const gc = () => globalThis.gc?.();

export let okSink;
export let errorSink;
export let hangSink;

/** Starts the sinks: the one that answers 200, and for isolation the failing and hanging ones. */
export async function startSinks({ isolation }) {
  okSink = await startSink('ok');
  if (isolation) {
    errorSink = await startSink('error');
    hangSink = await startSink('hang', 30_000);
  }
}

export async function closeSinks() {
  await okSink?.close();
  await errorSink?.close();
  await hangSink?.close();
}
export const sinkFor = (bad) => (bad === 'error' ? errorSink : bad === 'hang' ? hangSink : okSink);

/** A one-time job; isolation jobs get the 1 s timeout so a hanging target costs a second each. */
export function jobBody(url, at, i, timeoutMs) {
  return { url, payload: { i }, schedule: { type: 'once', at }, retryPolicy: { strategy: 'none' }, ...(timeoutMs ? { timeoutMs } : {}) };
}

/** Job i of an isolation load goes to the failing target when odd. */
export const isBad = (bad, i) => bad !== null && i % 2 === 1;

/** Creates per second the API achieved last on each database: sets how far ahead loads are due. */
export const createRate = {};

export async function estimateCreateRate(api, kind) {
  if (createRate[kind]) return createRate[kind];
  // A short calibration: jobs a year ahead, which never fire during the bench.
  const far = Date.now() + 365 * 86_400_000;
  const n = (await api.probeBatch()) ? 5_000 : 2_000;
  const r = await api.createMany(n, (i) => jobBody(`${okSink.url}/calibrate`, far + i, i), { keepIds: false });
  createRate[kind] = r.rate;
  return r.rate;
}

/** When a load of `count` jobs can be due: after creating them, with room to spare. */
export function dueAfterCreating(kind, count, extraMs = 0) {
  return Math.ceil(Date.now() + (count / createRate[kind]) * 1000 * 1.3 + sizes.leadMs + extraMs);
}

export function newApi(url, connections) {
  const api = new Api(url, { connections });
  if (opts.noBatch) api.batchAvailable = false;
  return api;
}

export async function freshServer(kind, label, extra = {}) {
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

export async function teardown({ db, server, api }, graceMs) {
  await api?.close().catch(() => {});
  await server?.stop(graceMs);
  await db?.drop();
}

export async function countRows(db, sql) {
  const rows = await db.query(sql);
  return Number(Object.values(rows[0])[0]);
}
