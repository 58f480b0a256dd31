// Reads a V8 .cpuprofile (node --cpu-prof) and ranks functions by self time, and self time by
// where the code lives (Kairos, a dependency, node's internals, the garbage collector).
import { readFileSync } from 'node:fs';

// The server runs from packages/server/dist or from the harness's copy of it.
const kairosDist = /\/(packages\/server|bench\/results\/\.server-\d+)\/dist\//;

function where(url) {
  if (!url) return '(native/V8)';
  // The --sql-trace wrapper calls better-sqlite3's native statement methods: its self time is
  // the statements' execution inside SQLite.
  if (url.endsWith('/bench/lib/sqlTrace.mjs')) return 'SQLite (statements, timed by the SQL trace)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (kairosDist.test(url)) return 'kairos';
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const m = kairosDist.exec(url);
  if (m) return url.slice(m.index + m[0].length);
  return url.replace(/^file:\/\//, '').replace(/^.*\/bench\//, 'bench/');
}

/**
 * Self time per function (sample time deltas, not hit counts, so samples are weighted by the
 * real interval), optionally only within a window of ms counted from the profile's start.
 */
export function analyzeProfile(file, { top = 15, windowFromMs, windowToMs } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The nearest Kairos function above a sample: which part of the engine a library's time serves.
  const kairosCaller = (id) => {
    for (let p = parent.get(id), hops = 0; p !== undefined && hops < 200; p = parent.get(p), hops++) {
      const cf = byId.get(p).callFrame;
      if (where(cf.url) === 'kairos') return `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    }
    return '(no Kairos caller)';
  };
  const callers = new Map();
  const self = new Map();
  let t = prof.startTime;
  let total = 0;
  let idle = 0;
  // The window is given in ms from the start of the profile (about when the process started).
  const from = windowFromMs !== undefined ? prof.startTime + windowFromMs * 1000 : -Infinity;
  const to = windowToMs !== undefined ? prof.startTime + windowToMs * 1000 : Infinity;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    // The delta before the next sample is the time this sample stands for.
    const dt = prof.timeDeltas[i + 1] ?? 0;
    if (t < from || t > to) continue;
    const node = byId.get(prof.samples[i]);
    if (!node) continue;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const key = `${cf.functionName || '(anonymous)'}\u0000${cf.url}\u0000${cf.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    let byCaller = callers.get(key);
    if (!byCaller) callers.set(key, (byCaller = new Map()));
    const c = kairosCaller(node.id);
    byCaller.set(c, (byCaller.get(c) ?? 0) + dt);
  }
  const rows = [...self.entries()].map(([key, us]) => {
    const [fn, url, line] = key.split('\u0000');
    const via = [...callers.get(key).entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([caller, t]) => ({ caller, share: t / us }));
    return { fn, where: where(url), at: url ? `${shortUrl(url)}:${Number(line) + 1}` : '', ms: us / 1000, share: us / total, via };
  });
  rows.sort((a, b) => b.ms - a.ms);
  const groups = new Map();
  for (const r of rows) {
    const g = r.fn.startsWith('(') && !r.at ? r.fn : r.where;
    groups.set(g, (groups.get(g) ?? 0) + r.ms);
  }
  const byPlace = [...groups.entries()].map(([place, ms]) => ({ place, ms, share: (ms * 1000) / total })).sort((a, b) => b.ms - a.ms);
  return {
    file,
    busyMs: total / 1000,
    idleMs: idle / 1000,
    durationMs: (prof.endTime - prof.startTime) / 1000,
    top: rows.slice(0, top),
    byPlace,
  };
}

export function formatProfile(a, top = 15) {
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const lines = [];
  lines.push(`profile ${a.file}`);
  lines.push(`  busy ${a.busyMs.toFixed(0)} ms, idle ${a.idleMs.toFixed(0)} ms in the window (${a.durationMs.toFixed(0)} ms profiled in all); shares are of busy time`);
  lines.push(`  top ${top} functions by self time:`);
  a.top.slice(0, top).forEach((r, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${pct(r.share)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.fn}  [${r.where}] ${r.at}`);
    if (r.where !== 'kairos' && r.share >= 0.02) {
      lines.push(`                              via ${r.via.map((v) => `${v.caller} ${(v.share * 100).toFixed(0)} %`).join(', ')}`);
    }
  });
  lines.push('  self time by place:');
  for (const g of a.byPlace.slice(0, 14)) lines.push(`      ${pct(g.share)} ${g.ms.toFixed(0).padStart(6)} ms  ${g.place}`);
  return lines.join('\n');
}
