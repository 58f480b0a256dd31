// Who else uses the CPU: on a 2-core machine another process's work shows up in every figure,
// so each scenario waits for a quiet machine and records how much CPU others used meanwhile.
// "Ours" is the harness, its children, and PostgreSQL backends serving our databases; the
// PostgreSQL background processes (checkpointer, WAL writer, ...) count as shared; everything
// else is foreign.
import { readdirSync, readFileSync } from 'node:fs';

const clockTicks = 100;

function readProc(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    // Fields after the name: state is field 3, so field N is fields[N - 3]; starttime (22) tells
    // a reused pid from the same process (a kernel worker's name changes with its work).
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), start: fields[19], cmd: cmd || stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return null;
  }
}

export function snapshot() {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) procs.set(p.pid, p);
  }
  return { at: Date.now(), procs };
}

function classify(p, procs, dbPrefix) {
  // Descendants of the harness (servers, sinks, profilers) are ours.
  for (let q = p, hops = 0; q && hops < 20; q = procs.get(q.ppid), hops++) {
    if (q.pid === process.pid) return 'ours';
  }
  // Kernel threads (I/O completion, writeback) work for everyone.
  if (p.pid === 2 || p.ppid === 2) return 'shared';
  if (p.cmd.startsWith('postgres:')) {
    if (p.cmd.includes(dbPrefix)) return 'ours';
    // Client backends read "postgres: [cluster: ]user database host(port) state"; the rest
    // (checkpointer, WAL writer, autovacuum, ...) are the server's own processes.
    return /^postgres: (\S+: )?\S+ \S+ [^ ]*\(\d+\)/.test(p.cmd) ? 'foreign' : 'shared';
  }
  if (/\/postgres(ql)?\b.* -D /.test(p.cmd)) return 'shared';
  return 'foreign';
}

/** CPU cores used per class between two snapshots, and the busiest foreign processes. */
export function cpuBetween(a, b, dbPrefix = `kairos_bench_${process.pid}_`) {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const use = { ours: 0, shared: 0, foreign: 0 };
  const foreign = [];
  for (const [pid, q] of b.procs) {
    const before = a.procs.get(pid);
    const d = q.ticks - (before && before.start === q.start ? before.ticks : 0);
    if (d <= 0) continue;
    // A process that started in between counts from zero: it did all its work in the window.
    const cls = classify(q, b.procs, dbPrefix);
    const cores = d / clockTicks / seconds;
    use[cls] += cores;
    if (cls === 'foreign') foreign.push({ pid, cores, cmd: q.cmd.slice(0, 80) });
  }
  foreign.sort((x, y) => y.cores - x.cores);
  const r = (x) => Math.round(x * 100) / 100;
  return {
    seconds: r(seconds),
    ours: r(use.ours),
    shared: r(use.shared),
    foreign: r(use.foreign),
    busiestForeign: foreign.slice(0, 3).map((f) => ({ ...f, cores: r(f.cores) })),
    all: foreign,
  };
}

/**
 * Waits (at most `maxMs`) until other processes use less than `threshold` cores over half a second.
 * Returns the last measurement.
 */
export async function waitForQuiet({ threshold = 0.15, maxMs = 30_000, sampleMs = 500 } = {}) {
  const deadline = Date.now() + maxMs;
  let last;
  do {
    const a = snapshot();
    await new Promise((r) => setTimeout(r, sampleMs));
    last = cpuBetween(a, snapshot());
    if (last.foreign < threshold) return { quiet: true, ...last };
  } while (Date.now() < deadline);
  return { quiet: false, ...last };
}

/**
 * Samples every process once a second while a scenario runs, so the CPU of processes that end
 * within the scenario (servers, test workers) is counted up to their last second.
 */
export function startCpuMonitor(everyMs = 1_000) {
  const first = snapshot();
  let prev = first;
  const use = { ours: 0, shared: 0, foreign: 0 };
  const foreignByPid = new Map();
  const tick = () => {
    const next = snapshot();
    const d = cpuBetween(prev, next);
    use.ours += d.ours * d.seconds;
    use.shared += d.shared * d.seconds;
    use.foreign += d.foreign * d.seconds;
    for (const f of d.all) {
      const e = foreignByPid.get(f.pid) ?? { pid: f.pid, cmd: f.cmd, seconds: 0 };
      e.seconds += f.cores * d.seconds;
      foreignByPid.set(f.pid, e);
    }
    prev = next;
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      tick();
      const seconds = Math.max(0.001, (prev.at - first.at) / 1000);
      const r = (x) => Math.round(x * 100) / 100;
      const busiest = [...foreignByPid.values()].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
      return {
        seconds: r(seconds),
        ours: r(use.ours / seconds),
        shared: r(use.shared / seconds),
        foreign: r(use.foreign / seconds),
        busiestForeign: busiest.map((f) => ({ pid: f.pid, cores: r(f.seconds / seconds), cmd: f.cmd })),
      };
    },
  };
}
