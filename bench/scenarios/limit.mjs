import { requestLoop, round, summarize } from '../lib/client.mjs';
import { fmt, log, ms, okSink, record, results, sizes, stamp } from '../harness.mjs';

// Scenario 1: limit

export async function scenarioLimit() {
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

export const limitRatio = (rate) => (results.limit?.rps ? rate / results.limit.rps : null);
export const ratioText = (rate) => {
  const r = limitRatio(rate);
  return r === null ? '' : ` (${fmt(r * 100)} % of limit)`;
};
