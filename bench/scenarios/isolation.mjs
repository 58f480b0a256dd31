import { round } from '../lib/client.mjs';
import { formatProfile } from '../lib/profile.mjs';
import { fmt, freshServer, latenessRate, log, opts, record, results, sizes, stamp, teardown } from '../harness.mjs';
import { runBurst } from './burst.mjs';
import { latenessOn, latenessText } from './lateness.mjs';

// Scenario 6: isolation

/** The figures whose `key` is the median (the lower middle one of an even count). */
function medianBy(list, key) {
  const sorted = [...list].sort((a, b) => (key(a) ?? 0) - (key(b) ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function scenarioIsolation(kind) {
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
