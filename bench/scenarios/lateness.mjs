import { round } from '../lib/client.mjs';
import { createRate, dueAfterCreating, estimateCreateRate, fmt, freshServer, isBad, jobBody, latenessRate, log, ms, note, okSink, opts, record, sinkFor, sizes, stamp, teardown, waitUntil } from '../harness.mjs';
import { formatSqlTrace, readSqlTrace } from './burst.mjs';

// Scenario 3 (and capacity's and isolation's second half): runs due at spread instants

export async function latenessOn(env, kind, seconds, { bad = null } = {}) {
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

export function latenessText(f) {
  const l = f.lateness;
  if (!l) return 'no deliveries';
  const w = f.worstSecond ? `; worst second #${f.worstSecond.second} p99 ${ms(f.worstSecond.p99)}` : '';
  const st = f.steady ? `; without the first second: p99 ${ms(f.steady.p99)}, max ${ms(f.steady.max)}` : '';
  return `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)} (p90 ${ms(l.p90)}, p99.9 ${ms(l.p999)}; ${l.over20} over 20 ms, ${l.over100} over 100 ms${w}${st})`;
}

export async function scenarioLateness(kind) {
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
