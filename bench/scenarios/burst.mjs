import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { round } from '../lib/client.mjs';
import { analyzeProfile, formatProfile } from '../lib/profile.mjs';
import { resultsDir, startKairos } from '../lib/proc.mjs';
import { countRows, createRate, dueAfterCreating, estimateCreateRate, fmt, freshServer, isBad, jobBody, log, ms, newApi, note, okSink, opts, record, sinkFor, sizes, sleep, stamp, teardown, waitUntil } from '../harness.mjs';
import { limitRatio, ratioText } from './limit.mjs';

// Scenario 2 (and isolation's first half): a burst of one-time jobs all due at one instant

/**
 * `profile`: 'restart' profiles a server started on the database after the jobs were created (the
 * profile shows deliveries only); 'inPlace' profiles the server that created them, from its start.
 */
export async function runBurst(kind, count, { bad = null, profile = false, label = 'burst' } = {}) {
  const env = { db: null, server: null, api: null };
  const profDir = join(resultsDir, 'profiles', `${kind}-${label}-${process.pid}`);
  // On PostgreSQL the trace (a counter around each query, cheap beside a round trip) gives the
  // round trips per delivery that the target bounds.
  const traced = (opts.sqlTrace && !profile && !bad) || (kind === 'postgres' && !bad);
  Object.assign(env, await freshServer(kind, label, { sqlTrace: traced, cpuProfDir: profile === 'inPlace' ? profDir : undefined }));
  // A profile's clock starts with its process (give or take the registration after it).
  let profStart = Date.now() - env.server.startupMs;
  const figures = { jobs: count, bad };
  try {
    await estimateCreateRate(env.api, kind);
    const restartMs = profile === 'restart' ? 3_000 : 0;
    const dueAt = dueAfterCreating(kind, count, restartMs);
    await okSink.reset();
    if (bad) await sinkFor(bad).reset();
    const timeoutMs = bad ? 1_000 : undefined;
    const made = await env.api.createMany(count, (i) => jobBody(`${sinkFor(isBad(bad, i) ? bad : null).url}/burst`, dueAt, i, timeoutMs), {
      deadline: dueAt + 60_000,
      keepIds: !bad,
    });
    createRate[kind] = made.rate;
    const createdAt = Date.now();
    figures.created = { path: made.path, rate: round(made.rate, 0), finishedBeforeDueMs: dueAt - createdAt };
    if (createdAt > dueAt - 200) note(`creating the burst ran into its due instant (finished ${createdAt - dueAt} ms after it): the figure is pessimistic`);

    if (profile === 'restart') {
      // The profile should show deliveries, not the creates: the server that delivers is a
      // new one on the same database, started under --cpu-prof after the jobs were created.
      const key = env.api.key;
      await env.api.close();
      await env.server.stop();
      profStart = Date.now();
      env.server = await startKairos({
        databaseUrl: env.db.url,
        label: `kairos-${kind}-${label}-prof`,
        cpuProfDir: profDir,
        sqlTrace: traced,
      });
      env.api = newApi(env.server.url, 16);
      env.api.key = key;
      if (Date.now() > dueAt - 500) note(`the profiled server started only ${dueAt - Date.now()} ms before the due instant`);
    }

    const healthy = bad ? Math.ceil(count / 2) : count;
    // CPU is counted from the due instant (the claims ahead of it are left out).
    await sleep(Math.max(0, dueAt - Date.now()));
    const cpu0 = env.server.cpuSeconds();
    const deadline = dueAt + 30_000 + count * 3;
    const complete = await waitUntil(async () => (await okSink.count()).count >= healthy, deadline, 25);
    const seenAllAt = Date.now();
    const st = await okSink.stats({ lastIds: bad ? 0 : 200, timelineMs: 100 });
    if (!complete) note(`only ${st.count} of ${healthy} deliveries arrived by the deadline`);

    // Commit check: each delivery counts once its execution row is committed.
    let committedAt = null;
    let commitCheck = null;
    if (!bad && complete) {
      if (kind === 'postgres') {
        commitCheck = 'SELECT count(*) FROM executions, polled every 50 ms';
        const ok = await waitUntil(async () => (await countRows(env.db, 'SELECT count(*)::int AS n FROM executions')) >= count, seenAllAt + 60_000, 50);
        committedAt = ok ? Date.now() : null;
      } else {
        // The server owns the SQLite file (one process per file), so the API is asked: the 200
        // jobs that arrived last (their outcomes are written last) and 100 random ones must show
        // a lastStatus; after the server stops, the executions are counted in the file.
        const sample = new Set(st.lastIds);
        for (let k = 0; k < 100; k++) sample.add(made.ids[Math.floor(Math.random() * count)]);
        commitCheck = `GET /v1/jobs/:id lastStatus of the ${sample.size} last-arrived and random jobs, polled; then executions counted in the file after stop`;
        const pending = [...sample];
        const ok = await waitUntil(
          async () => {
            const still = [];
            await Promise.all(
              pending.splice(0).map(async (id) => {
                const r = await env.api.request('GET', `/v1/jobs/${id}`);
                if (r.status !== 200 || !r.body?.data?.lastStatus) still.push(id);
              }),
            );
            pending.push(...still);
            return pending.length === 0;
          },
          seenAllAt + 60_000,
          20,
        );
        committedAt = ok ? Date.now() : null;
      }
    }
    const cpu1 = env.server.cpuSeconds();
    const mem = env.server.memory();
    const windowMs = st.last - st.first;
    const rate = st.count > 1 ? ((st.count - 1) / windowMs) * 1000 : null;
    Object.assign(figures, {
      delivered: st.count,
      unique: st.unique,
      duplicates: st.duplicates,
      complete,
      firstLateMs: round(st.first - dueAt, 1),
      lastLateMs: round(st.last - dueAt, 1),
      windowMs: round(windowMs, 1),
      arrivalsPer100ms: st.timeline?.counts,
      rate: round(rate, 0),
      ratioToLimit: round(limitRatio(rate), 3),
      committedRate: committedAt ? round((count / (committedAt - st.first)) * 1000, 0) : null,
      commitLagMs: committedAt ? committedAt - Math.round(st.last) : null,
      commitCheck,
      serverCpuCores: cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / ((Math.max(seenAllAt, committedAt ?? 0) - dueAt) / 1000), 2) : null,
      serverRssMB: mem.rssMB,
      serverPeakRssMB: mem.hwmMB,
    });
    if (bad) {
      const bst = await sinkFor(bad).stats({ until: st.last });
      figures.badArrivals = bst.count;
      figures.badArrivalsInWindow = bst.countUntil;
      figures.badRate = bst.count > 1 ? round(((bst.count - 1) / (bst.last - bst.first)) * 1000, 0) : null;
      // Everything the engine sent while the healthy half went out, to both targets together.
      figures.combinedRate = round(((st.count + bst.countUntil) / windowMs) * 1000, 0);
    }
    await env.api.close();
    env.api = null;
    const stoppedAt = Date.now();
    await env.server.stop(bad === 'hang' ? 6_000 : 20_000);
    const trace = readSqlTrace(env.server);
    if (opts.sqlTrace) figures.sql = trace?.statements;
    if (kind === 'postgres' && trace && !bad) {
      // From the moment the jobs were all created (so the claims count) to the last commit seen.
      figures.roundTripsPerDelivery = round(statementsBetween(trace, createdAt, committedAt ?? stoppedAt) / count, 2);
    }
    if (profile) {
      const file = newestProfile(profDir);
      if (file) {
        // From the due instant to the moment the outcomes were seen committed (with a failing
        // half, to the last healthy arrival).
        const from = dueAt - profStart - 50;
        const to = (bad ? st.last : (committedAt ?? stoppedAt)) - profStart + 50;
        figures.profile = analyzeProfile(file, { top: 25, windowFromMs: from, windowToMs: to });
        figures.profile.windowNote = `samples from the due instant to ${bad ? 'the last healthy arrival' : 'the commit check'} (ms after the profiled server was spawned)`;
        figures.profileWhole = analyzeProfile(file, { top: 25 });
      }
    }
    if (!bad) {
      const kept = await countRows(env.db, 'SELECT count(*) AS n FROM executions');
      const success = await countRows(env.db, "SELECT count(*) AS n FROM executions WHERE status = 'success'");
      const left = await countRows(env.db, `SELECT count(*) AS n FROM runs WHERE due_at <= ${dueAt}`);
      figures.executions = kept;
      figures.successes = success;
      figures.runsLeft = left;
      figures.verified = kept === count && success === count && left === 0;
    }
    return figures;
  } finally {
    await teardown(env, 6_000);
  }
}

/** The server's SQL trace: `statements` (totals per statement shape) and `callsPer100ms`. */
export function readSqlTrace(server) {
  if (!server?.sqlTraceFile) return undefined;
  try {
    return JSON.parse(readFileSync(server.sqlTraceFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Statements the trace saw finish between two instants (epoch ms), by 100 ms. */
function statementsBetween(trace, from, to) {
  const [first, last] = [Math.floor(from / 100), Math.floor(to / 100)];
  let n = 0;
  for (const [tenth, calls] of Object.entries(trace.callsPer100ms)) if (Number(tenth) >= first && Number(tenth) <= last) n += calls;
  return n;
}

export function formatSqlTrace(list, top = 8) {
  const total = list.reduce((t, s) => t + s.totalMs, 0);
  const lines = [`SQL time by statement (${fmt(total)} ms in all; SQLite's is event-loop time, PostgreSQL's round trips):`];
  for (const s of list.slice(0, top)) {
    lines.push(
      `  ${fmt(s.totalMs).padStart(7)} ms  ${fmt(s.calls).padStart(6)} calls  avg ${ms(s.totalMs / s.calls).padStart(9)}  max ${ms(s.maxMs).padStart(9)}  ${fmt(s.rows).padStart(8)} rows  ${s.sql.slice(0, 110)}`,
    );
  }
  return lines.join('\n');
}

/**
 * The main thread's newest profile in `dir`. Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>
 * and a SQLite server's engine SQL thread writes its own (thread 1 and up) beside the main one's (0).
 */
export function newestProfile(dir) {
  try {
    const files = readdirSync(dir)
      .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
      .sort();
    return files.length ? join(dir, files[files.length - 1]) : null;
  } catch {
    return null;
  }
}

export async function scenarioBurst(kind) {
  const f = await runBurst(kind, sizes.burstJobs, { profile: opts.profile ? 'restart' : false });
  record(kind, 'burst', f);
  const verified = f.verified ? 'all executions recorded' : `NOT verified: ${f.executions} executions, ${f.successes} successes, ${f.runsLeft} runs left`;
  log(
    `${stamp()}  [${kind.padEnd(8)}] burst      ${fmt(f.jobs)} jobs: ${fmt(f.rate)} deliveries/s${ratioText(f.rate)}, ${fmt(f.committedRate)}/s committed (last commit ${ms(f.commitLagMs)} after the last delivery); ` +
      `first +${ms(f.firstLateMs)}, last +${ms(f.lastLateMs)} after the due instant; ${f.duplicates} duplicates; ${verified}; ` +
      `server ${fmt(f.serverCpuCores, 2)} cores, peak RSS ${fmt(f.serverPeakRssMB)} MB; created by ${f.created.path} at ${fmt(f.created.rate)}/s` +
      (f.roundTripsPerDelivery !== undefined ? `; ${fmt(f.roundTripsPerDelivery, 2)} database round trips per delivery` : ''),
  );
  if (f.profile) log(formatProfile(f.profile, 15).replace(/^/gm, '             '));
  if (f.sql) log(formatSqlTrace(f.sql).replace(/^/gm, '             '));
}
