// One fresh database per scenario (the test kit's): a SQLite file in a temporary directory, or a
// PostgreSQL database named kairos_bench_<harness pid>_<random> on the local server, dropped
// afterwards; and the reapers of those a killed harness left behind.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createDatabase as createTestDatabase, withPostgresAdmin } from '@kairos/testkit';

export { dropAllDatabases, postgresAdminUrl, removeSqliteFilesSync } from '@kairos/testkit';

const benchPrefix = 'kairos_bench';

/** Whether `pid` is a running bench harness (a zombie or a reused pid is not). */
export function harnessRunning(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bench/run.mjs');
  } catch {
    return false;
  }
}

/** Drops bench databases whose harness process is gone (a run killed with SIGKILL). */
export async function reapStaleDatabases(log) {
  await withPostgresAdmin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'kairos\\_bench\\_%'`);
    for (const { datname } of rows) {
      const pid = Number(/^kairos_bench_(\d+)_/.exec(datname)?.[1]);
      if (pid === process.pid || harnessRunning(pid)) continue;
      {
        await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
        log?.(`dropped stale database ${datname}`);
      }
    }
  });
}

/** Removes SQLite directories left by harnesses killed outright. */
export function reapStaleSqliteDirs(log) {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^kairos-bench-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || harnessRunning(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
    log?.(`removed stale ${join(tmpdir(), name)}`);
  }
}

/** A fresh database of `kind`, named so that the reapers above find it if this harness is killed. */
export function createDatabase(kind) {
  return createTestDatabase(kind, { prefix: benchPrefix });
}

/**
 * Stores `count` copies of a job the API created (and of its run), due one after another from
 * `firstDueAt` every `stepMs`, straight into the tables of a stopped server's database: the
 * capacity scenario's way of storing a million jobs when there is no batch endpoint. The copies
 * are the template's row with a new id, schedule and due instant, so they are what the API
 * would have stored. Ids are sequential (`job_bench000…`), like the time-ordered ids the API
 * makes for jobs created one after another.
 */
export async function insertJobCopies(db, templateJobId, count, firstDueAt, stepMs) {
  const pick = (cols, overrides) => cols.map((c) => overrides[c] ?? `t.${c}`).join(', ');
  // The columns as the server's migrations made them, whatever they are by now.
  let jobColumns;
  let runColumns;
  if (db.kind === 'sqlite') {
    const raw = new Sqlite(db.file);
    try {
      jobColumns = raw.prepare("SELECT name FROM pragma_table_info('jobs')").all().map((r) => r.name);
      runColumns = raw.prepare("SELECT name FROM pragma_table_info('runs')").all().map((r) => r.name);
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      const template = raw.prepare('SELECT schedule FROM jobs WHERE id = ?').get(templateJobId);
      if (!template) throw new Error(`template job ${templateJobId} not found`);
      const chunk = 100_000;
      const jobs = raw.prepare(`
        INSERT INTO jobs (${jobColumns.join(', ')})
        WITH RECURSIVE c(i) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT i + 1 FROM c WHERE i + 1 < @to)
        SELECT ${pick(jobColumns, {
          id: `'job_bench' || printf('%021d', c.i)`,
          schedule: `'{"type":"once","at":' || CAST(@due + c.i * @step AS INTEGER) || '}'`,
        })}
        FROM c, jobs t WHERE t.id = @tid`);
      const runs = raw.prepare(`
        INSERT INTO runs (${runColumns.join(', ')})
        WITH RECURSIVE c(i) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT i + 1 FROM c WHERE i + 1 < @to)
        SELECT ${pick(runColumns, {
          id: `'run_bench' || printf('%021d', c.i)`,
          job_id: `'job_bench' || printf('%021d', c.i)`,
          delivery_id: `'dlv_bench' || printf('%021d', c.i)`,
          due_at: 'CAST(@due + c.i * @step AS INTEGER)',
        })}
        FROM c, runs t WHERE t.job_id = @tid`);
      for (let from = 0; from < count; from += chunk) {
        const to = Math.min(count, from + chunk);
        const params = { from, to, due: firstDueAt, step: stepMs, tid: templateJobId };
        raw.transaction(() => {
          jobs.run(params);
          runs.run(params);
        })();
      }
      raw.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      raw.close();
    }
    return;
  }
  const columns = async (table) =>
    (await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [table])).map((r) => r.column_name);
  jobColumns = await columns('jobs');
  runColumns = await columns('runs');
  const chunk = 100_000;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk) - 1;
    await db.query(
      `INSERT INTO jobs (${jobColumns.join(', ')})
       SELECT ${pick(jobColumns, {
         id: `'job_bench' || lpad(c.i::text, 21, '0')`,
         schedule: `'{"type":"once","at":' || ($3::bigint + c.i * $4::bigint) || '}'`,
       })}
       FROM generate_series($1::bigint, $2::bigint) AS c(i), jobs t WHERE t.id = $5`,
      [from, to, firstDueAt, stepMs, templateJobId],
    );
    await db.query(
      `INSERT INTO runs (${runColumns.join(', ')})
       SELECT ${pick(runColumns, {
         id: `'run_bench' || lpad(c.i::text, 21, '0')`,
         job_id: `'job_bench' || lpad(c.i::text, 21, '0')`,
         delivery_id: `'dlv_bench' || lpad(c.i::text, 21, '0')`,
         due_at: '($3::bigint + c.i * $4::bigint)',
       })}
       FROM generate_series($1::bigint, $2::bigint) AS c(i), runs t WHERE t.job_id = $5`,
      [from, to, firstDueAt, stepMs, templateJobId],
    );
  }
  await db.query('ANALYZE');
}
