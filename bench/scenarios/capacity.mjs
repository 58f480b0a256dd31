import { performance } from 'node:perf_hooks';
import { round } from '../lib/client.mjs';
import { insertJobCopies } from '../lib/db.mjs';
import { startKairos } from '../lib/proc.mjs';
import { capacityApiMax, countRows, fmt, freshServer, jobBody, log, newApi, okSink, record, results, sizes, sleep, stamp, teardown } from '../harness.mjs';
import { latenessOn, latenessText } from './lateness.mjs';

// Scenario 5: capacity

export async function scenarioCapacity(kind) {
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
