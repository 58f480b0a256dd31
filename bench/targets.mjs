import { round } from './lib/client.mjs';
import { fmt, log, results } from './harness.mjs';

// Targets

function evaluateTargets() {
  const t = [];
  const add = (db, name, value, target, pass, unit = '') => t.push({ db, name, value, target, pass: value === null || value === undefined ? null : pass });
  const s = results.scenarios;
  const ok = (f) => (f && typeof f.error !== 'string' ? f : undefined);
  const sq = (name) => ok(s[name]?.sqlite);
  if (ok(s.schedule?.none)) {
    // Typically 20–60 µs per call on a compiled schedule on a laptop.
    const c = s.schedule.none;
    add('machine', 'nextRunAfter from the memo (µs)', c.memoUs, '< 100 µs', c.memoUs < 100);
    add('machine', 'nextRunAfter on a compiled schedule (µs)', c.cachedMaxUs, '< 1 000 µs', c.cachedMaxUs < 1_000);
  }
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

export function printTargets() {
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
