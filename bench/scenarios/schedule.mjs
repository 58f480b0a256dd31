import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { round } from '../lib/client.mjs';
import { serverDist } from '../lib/proc.mjs';
import { log, record, stamp } from '../harness.mjs';

// Scenario 7: schedule, what computing a recurring job's next run costs, in the server's own
// code (no server, no database): the figures the schedule tests once asserted on.

const NOW = Date.parse('2025-01-15T12:00:00Z');

export async function scenarioSchedule() {
  const { clearCronCache, firstRunAt, nextRunAfter } = await import(pathToFileURL(join(serverDist(), 'domain', 'schedule.js')).href);

  // Many jobs sharing a schedule and due together: answered from the memo of the last answer.
  clearCronCache();
  const hourly = { type: 'cron', expression: '@hourly', timezone: 'Europe/Berlin' };
  const due = Date.parse('2025-01-15T12:00:00Z');
  const next = Date.parse('2025-01-15T13:00:00Z');
  nextRunAfter(hourly, due, due + 3);
  const n = 10_000;
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    if (nextRunAfter(hourly, due, due + 5 + (i % 1000)) !== next) throw new Error('wrong answer from the memo');
  }
  const memoUs = ((performance.now() - start) * 1_000) / n;

  // One job's runs one after another, on a compiled schedule.
  clearCronCache();
  const cases = [
    { type: 'cron', expression: '*/5 * * * *', timezone: 'America/New_York' },
    { type: 'daily', times: ['08:00', '12:00', '18:30'], timezone: 'Europe/Berlin' },
    { type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' },
  ];
  const cached = [];
  for (const s of cases) {
    let at = firstRunAt(s, NOW);
    for (let i = 0; i < 200; i++) at = nextRunAfter(s, at, at); // warm up
    const m = 2_000;
    start = performance.now();
    for (let i = 0; i < m; i++) at = nextRunAfter(s, at, at);
    cached.push({ schedule: s.type === 'cron' ? s.expression : `daily ${s.times.join(',')}`, timezone: s.timezone, us: round(((performance.now() - start) * 1_000) / m, 1) });
  }
  clearCronCache();
  const figures = { memoUs: round(memoUs, 2), cachedUs: cached, cachedMaxUs: Math.max(...cached.map((c) => c.us)) };
  record('none', 'schedule', figures);
  log(`${stamp()}  [machine ] schedule   nextRunAfter ${figures.memoUs} µs from the memo, ${cached.map((c) => `${c.us} µs (${c.schedule} ${c.timezone})`).join(', ')} on a compiled schedule`);
}
