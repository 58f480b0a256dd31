import { describe, expect, it } from 'vitest';
import { SoonestRuns, sooner, type TimedRun } from '../../src/service/soonestRuns.js';

describe('SoonestRuns', () => {
  it('keeps the soonest runs of those offered in any order, a tie by job id', () => {
    // A fixed shuffle of 500 runs over 40 instants, so that many share one.
    const runs: TimedRun[] = Array.from({ length: 500 }, (_, i) => ({ jobId: `job_${(i * 7919) % 500}`, at: ((i * 104_729) % 40) * 1_000 }));
    const kept = new SoonestRuns<TimedRun>(101);
    for (const run of runs) kept.offer(run);
    const all = [...runs].sort((a, b) => (sooner(a, b) ? -1 : 1));
    expect(kept.sorted()).toEqual(all.slice(0, 101));
    expect(kept.latest).toEqual(all[100]);
  });

  it('refuses a run no sooner than the latest kept once full', () => {
    const kept = new SoonestRuns<TimedRun>(2);
    expect(kept.offer({ jobId: 'b', at: 5 })).toBe(true);
    expect(kept.full).toBe(false);
    expect(kept.offer({ jobId: 'a', at: 9 })).toBe(true);
    expect(kept.full).toBe(true);
    expect(kept.offer({ jobId: 'b', at: 9 })).toBe(false);
    expect(kept.offer({ jobId: 'a', at: 5 })).toBe(true);
    expect(kept.sorted()).toEqual([
      { jobId: 'a', at: 5 },
      { jobId: 'b', at: 5 },
    ]);
  });
});
