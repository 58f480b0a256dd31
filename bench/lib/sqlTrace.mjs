// Preloaded into the Kairos server (node --import) by `--sql-trace`: times every SQL statement
// the server runs, per statement shape, and writes the totals to $KAIROS_BENCH_SQL_TRACE when the
// process exits. Nothing in packages/server is changed: better-sqlite3's statements and pg's
// Client.query are wrapped from outside.
//
// SQLite statements run synchronously on the server's only thread, so their time is time the
// event loop is blocked; PostgreSQL times are round trips (the loop is free meanwhile).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const out = process.env.KAIROS_BENCH_SQL_TRACE;
const require = createRequire(join(process.cwd(), 'packages', 'server', 'package.json'));
const stats = new Map();

function shape(sql) {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/(\$\d+|\?)(\s*,\s*(\$\d+|\?))+/g, '…')
    .replace(/(\((\s*(CAST\()?(…|\$\d+|\?)(\s+AS\s+\w+\))?\s*,?)+\))(\s*,\s*\((\s*(CAST\()?(…|\$\d+|\?)(\s+AS\s+\w+\))?\s*,?)+\))+/gi, '(…), …')
    .trim()
    .slice(0, 200);
}

const shapes = new Map();
/** Statements finished per 100 ms (epoch ms / 100): round trips within a window, on PostgreSQL. */
const callsPer100ms = new Map();

function add(sql, ms, rows) {
  let key = shapes.get(sql);
  if (key === undefined) {
    key = shape(sql);
    if (shapes.size < 5_000) shapes.set(sql, key);
  }
  let s = stats.get(key);
  if (!s) stats.set(key, (s = { sql: key, calls: 0, totalMs: 0, maxMs: 0, rows: 0, over10ms: 0 }));
  s.calls++;
  s.totalMs += ms;
  if (ms > s.maxMs) s.maxMs = ms;
  if (ms > 10) s.over10ms++;
  s.rows += rows;
  const tenth = Math.floor(Date.now() / 100);
  callsPer100ms.set(tenth, (callsPer100ms.get(tenth) ?? 0) + 1);
}

try {
  const Database = require('better-sqlite3');
  const patched = new WeakSet();
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...rest) {
    const stmt = prepare.call(this, sql, ...rest);
    const proto = Object.getPrototypeOf(stmt);
    if (!patched.has(proto)) {
      patched.add(proto);
      for (const name of ['run', 'all', 'get', 'iterate']) {
        const original = proto[name];
        proto[name] = function (...args) {
          const t = performance.now();
          const r = original.apply(this, args);
          const rows = Array.isArray(r) ? r.length : r && typeof r.changes === 'number' ? r.changes : 0;
          add(this.source, performance.now() - t, rows);
          return r;
        };
      }
    }
    return stmt;
  };
  const exec = Database.prototype.exec;
  Database.prototype.exec = function (sql) {
    const t = performance.now();
    const r = exec.call(this, sql);
    add(sql, performance.now() - t, 0);
    return r;
  };
} catch {}

try {
  const pg = require('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const sql = typeof config === 'string' ? config : config?.text;
    const r = query.call(this, config, values, callback);
    if (sql && r && typeof r.then === 'function') {
      const t = performance.now();
      r.then(
        (res) => add(sql, performance.now() - t, res?.rowCount ?? 0),
        () => add(`${sql} [failed]`, performance.now() - t, 0),
      );
    }
    return r;
  };
} catch {}

process.on('exit', () => {
  if (!out) return;
  const list = [...stats.values()].sort((a, b) => b.totalMs - a.totalMs);
  for (const s of list) {
    s.totalMs = Math.round(s.totalMs * 10) / 10;
    s.maxMs = Math.round(s.maxMs * 10) / 10;
  }
  writeFileSync(out, JSON.stringify({ statements: list, callsPer100ms: Object.fromEntries(callsPer100ms) }, null, 1));
});
