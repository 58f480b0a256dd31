import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The arrows between the server's parts (../shared/DESIGN.md): domain/ is pure and imports nothing
 * else of the server; the engine never reaches into the use cases; the store is below both; a
 * door (api/) calls services and never the store or the engine behind them; the use cases return
 * domain records and know no door (each door owns its representation) nor the engine (they
 * declare what they need of it, main.ts wires it).
 */

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** The part of the server a path under src/ belongs to: its top folder, or the file at the top. */
const partOf = (path: string): string => path.split('/')[0]!.replace(/\.ts$/, '');

/** For each part, the parts it must not import. */
const forbidden: Record<string, (target: string) => boolean> = {
  domain: (target) => target !== 'domain',
  engine: (target) => target === 'service',
  service: (target) => ['api', 'engine'].includes(target),
  store: (target) => ['service', 'engine', 'api'].includes(target),
  api: (target) => ['store', 'engine'].includes(target),
};

/**
 * Arrows that run the wrong way today, each to be removed as it is fixed (the test fails when one
 * is fixed and still listed, so this list only shrinks). Add nothing here: fix the import.
 */
const knownViolations = new Set<string>([]);

interface Arrow {
  from: string;
  to: string;
}

/** Every import (static, type-only, re-export, dynamic) from one file to another file of src/. */
function importsOf(file: string, text: string): Arrow[] {
  const arrows: Arrow[] = [];
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    if (!imported.fileName.startsWith('.')) continue;
    const to = relative(src, resolve(dirname(join(src, file)), imported.fileName)).replace(/\.js$/, '.ts');
    arrows.push({ from: file, to });
  }
  return arrows;
}

/** The npm packages a file imports (`node:` built-ins left out), by package name. */
function packagesOf(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((name) => !name.startsWith('.') && !name.startsWith('node:'))
    .map((name) => name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/'));
}

/** The files of the import cycles among `arrows`, each cycle once (Tarjan's strongly connected components). */
function cycles(arrows: readonly Arrow[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of arrows) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The arrows among `arrows` that run the wrong way, as `from -> to`. */
function wrongWay(arrows: readonly Arrow[]): string[] {
  return arrows.filter(({ from, to }) => forbidden[partOf(from)]?.(partOf(to)) ?? false).map(({ from, to }) => `${from} -> ${to}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(src, path)] : [];
  });
}

const texts = new Map(sourceFiles(src).map((file) => [file, readFileSync(join(src, file), 'utf8')]));
const arrows = [...texts].flatMap(([file, text]) => importsOf(file, text));

describe('the import arrows of packages/server/src', () => {
  it('finds the imports of every file, type-only and re-exports included', () => {
    expect(arrows.length).toBeGreaterThan(300);
    expect(arrows).toContainEqual({ from: 'engine/engineSqlWorker.ts', to: 'store/connect.ts' });
    expect(importsOf('engine/x.ts', "import type { A } from '../service/a.js';\nexport { B } from '../service/b.js';\nconst c = await import('../service/c.js');")).toEqual([
      { from: 'engine/x.ts', to: 'service/a.ts' },
      { from: 'engine/x.ts', to: 'service/b.ts' },
      { from: 'engine/x.ts', to: 'service/c.ts' },
    ]);
  });

  it('tells each wrong way from the right ones', () => {
    const cases: [string, string, boolean][] = [
      ['domain/a.ts', 'domain/b.ts', false],
      ['domain/a.ts', 'store/schema.ts', true],
      ['domain/a.ts', 'config.ts', true],
      ['engine/a.ts', 'service/jobs.ts', true],
      ['service/jobs.ts', 'api/v1/views.ts', true],
      ['service/jobs.ts', 'engine/engine.ts', true],
      ['service/jobs.ts', 'domain/job.ts', false],
      ['api/compat/runner/translate.ts', 'domain/job.ts', false],
      ['engine/a.ts', 'store/connect.ts', false],
      ['store/a.ts', 'engine/b.ts', true],
      ['store/sql/a.ts', 'service/b.ts', true],
      ['store/a.ts', 'api/b.ts', true],
      ['store/a.ts', 'domain/b.ts', false],
      ['api/compat/runner/plugin.ts', 'store/connect.ts', true],
      ['api/v1/routes/jobs.ts', 'engine/engine.ts', true],
      ['api/v1/routes/jobs.ts', 'service/jobs.ts', false],
      ['service/jobs.ts', 'store/sql/jobs.ts', false],
    ];
    for (const [from, to, wrong] of cases) expect(wrongWay([{ from, to }]), `${from} -> ${to}`).toEqual(wrong ? [`${from} -> ${to}`] : []);
  });

  it('has no arrow running the wrong way beyond the known ones', () => {
    expect(wrongWay(arrows).filter((arrow) => !knownViolations.has(arrow))).toEqual([]);
  });

  it('lists no known wrong arrow that is gone', () => {
    const wrong = new Set(wrongWay(arrows));
    expect([...knownViolations].filter((arrow) => !wrong.has(arrow))).toEqual([]);
  });

  it('has no import cycle (a type-only import counts: it ties the two files all the same)', () => {
    expect(cycles([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'c.ts' }, { from: 'c.ts', to: 'a.ts' }, { from: 'c.ts', to: 'd.ts' }])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(cycles(arrows)).toEqual([]);
  });
});

describe('the store', () => {
  const dialects = 'store/dialects/';
  const dialectOf = (path: string) => path.slice(dialects.length).split('/')[0];

  it('opens a dialect in connect.ts only: everything else reaches one through the Dialect interface (store/dialect.ts)', () => {
    const into = arrows.filter(({ from, to }) => to.startsWith(dialects) && !from.startsWith(dialects));
    expect(into.length).toBeGreaterThan(0);
    expect([...new Set(into.map(({ from }) => from))]).toEqual(['store/connect.ts']);
  });

  it('keeps each dialect to itself: sqlite/ and postgres/ never import each other', () => {
    const across = arrows.filter(({ from, to }) => from.startsWith(dialects) && to.startsWith(dialects) && dialectOf(from) !== dialectOf(to));
    expect(across).toEqual([]);
    expect([...new Set(arrows.filter(({ from }) => from.startsWith(dialects)).map(({ from }) => dialectOf(from)))].sort()).toEqual(['postgres', 'sqlite']);
  });

  it("lets no code outside the store branch on the database: its kind is only reported (health, the start's log line)", () => {
    const readers = [...texts].filter(([file, text]) => !file.startsWith('store/') && /\b(dialect|store)\.kind\b/.test(text)).map(([file]) => file);
    expect(readers.sort()).toEqual(['main.ts', 'service/health.ts']);
    const branching = [...texts].filter(([, text]) => /(dialect|store)\.kind\s*[!=]==/.test(text)).map(([file]) => file);
    expect(branching).toEqual([]);
  });

  it("tells the databases apart only through the Dialect: no file outside store/dialects/ reads Kysely's adapter", () => {
    const sniffing = /\b\w*Adapter\b|\.getExecutor\(\)|\.adapter\b/;
    expect([...texts].filter(([file, text]) => !file.startsWith(dialects) && sniffing.test(text)).map(([file]) => file)).toEqual([]);
  });

  it("decodes alert rule, channel and execution rows in store/rows.ts alone: nothing else parses their JSON columns", () => {
    const parsing = /JSON\.parse\(\w+\.(channel_ids|events|config|request_headers|response_headers)\b/;
    expect([...texts].filter(([, text]) => parsing.test(text)).map(([file]) => file)).toEqual(['store/rows.ts']);
  });

  it('runs SQL of a dialect only from the store: elsewhere a dialect is handed to an operation of store/sql/', () => {
    const statements = /\bdialect\.(anyOf|lockProject|claimRuns|renewLeases|insertRows|jobsByIds|lockFailureCounts|insertExecutions|endRuns|writeJobSummaries)\(/;
    expect([...texts].filter(([file, text]) => !file.startsWith('store/') && statements.test(text)).map(([file]) => file)).toEqual([]);
    expect([...texts].filter(([file, text]) => file.startsWith('store/sql/') && statements.test(text)).length).toBeGreaterThan(5);
  });
});

describe('the native representation', () => {
  it('lives in the native door (api/v1/views.ts), not among the use cases: service/views.ts is gone and nothing imports it', () => {
    expect(texts.has('api/v1/views.ts')).toBe(true);
    expect(texts.has('service/views.ts')).toBe(false);
    expect(arrows.filter(({ to }) => to === 'service/views.ts')).toEqual([]);
  });

  it("is not what a dialect's translator reads: translators take the domain records", () => {
    const native = arrows.filter(({ from, to }) => /^api\/compat\/[^/]+\/translate\.ts$/.test(from) && to.startsWith('api/v1/'));
    expect(native).toEqual([]);
  });
});

describe('the service layer', () => {
  it('writes in transactions through inTransaction, which retries one PostgreSQL aborted for a deadlock', () => {
    const direct = [...texts].filter(([file, text]) => file.startsWith('service/') && text.includes('.transaction()')).map(([file]) => file);
    expect(direct).toEqual([]);
  });
});

describe('the doors (the native API and the dialects)', () => {
  const doorFiles = [...texts.keys()].filter((file) => file.startsWith('api/v1/') || file.startsWith('api/compat/'));

  it("holds callers to a route's scope in one hook: only a route that resolves its caller itself checks one by hand", () => {
    const byHand = doorFiles.filter((file) => /\b(requireScope|assertScope|callerWith)\(/.test(texts.get(file)!));
    expect(byHand).toEqual(['api/v1/routes/stream.ts']);
  });

  it('adds that hook in every door plugin, after the door\'s own credential check', () => {
    const plugins = doorFiles.filter((file) => file === 'api/v1/plugin.ts' || /^api\/compat\/[^/]+\/plugin\.ts$/.test(file));
    expect(plugins).toHaveLength(6);
    const without = plugins.filter((file) => !/\b(registerBearerAuthentication|enforceScopes)\(/.test(texts.get(file)!));
    expect(without).toEqual([]);
  });

  it('authenticates inside each door\'s plugin rather than by the URL a request was sent to', () => {
    expect(texts.get('api/authenticate.ts')).not.toMatch(/request\.url/);
  });
});

describe('packages/server/package.json', () => {
  const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { main: string; types: string; dependencies: Record<string, string> };

  it('names a main entry and its types that the build makes from a source file', () => {
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(texts.has('index.ts')).toBe(true);
  });

  it('depends on no package that the source does not import', () => {
    const imported = new Set([...texts.values()].flatMap(packagesOf));
    expect(Object.keys(pkg.dependencies).filter((name) => !imported.has(name))).toEqual([]);
  });
});
