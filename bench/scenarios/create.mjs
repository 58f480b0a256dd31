import { join } from 'node:path';
import { loop, round, summarize } from '../lib/client.mjs';
import { analyzeProfile, formatProfile } from '../lib/profile.mjs';
import { resultsDir } from '../lib/proc.mjs';
import { fmt, freshServer, jobBody, log, ms, newApi, okSink, opts, record, results, saveResults, sizes, stamp, teardown } from '../harness.mjs';
import { newestProfile } from './burst.mjs';

// Scenario 4: create

export async function scenarioCreate(kind) {
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
