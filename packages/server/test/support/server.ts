import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { Api, type Arrival, createDatabase, type DatabaseKind, type Sink, type SinkResponse, startSink, type TestDatabase } from '@kairos/testkit';
import { type Config, defaultEngineTuning, type EngineTuning, loadConfig } from '../../src/config.js';
import { type RunningServer, type StartOptions, startServer } from '../../src/main.js';

/** A real server in this process on a free port, allowed to deliver to loopback sinks. */
export async function startTestServer(
  databaseUrl: string,
  tuning: Partial<EngineTuning> = {},
  overrides: Partial<Config> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config: Config = {
    // Every setting at its default, as an empty environment gives them.
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    allowTargets: '127.0.0.0/8,::1/128',
    logLevel: 'silent',
    engine: { ...defaultEngineTuning, leaseMs: 3_000, shutdownGraceMs: 3_000, ...tuning },
    ...overrides,
  };
  return startServer(config, { logger: pino({ level: process.env.KAIROS_TEST_LOG ?? 'silent' }), ...options });
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits until a job has `total` executions (or more), and gives them oldest first. */
export function executionsOf(api: Api, jobId: string, total: number): Promise<any[]> {
  return eventually(async () => {
    const r = await api.request('GET', `/v1/jobs/${jobId}/executions?perPage=100`);
    return r.body.meta.total >= total ? (r.body.data as any[]).slice().reverse() : undefined;
  }, 10_000, `${total} executions of ${jobId}`);
}

/** What a test server is started with besides its database: each part over the test defaults. */
export interface ServerSettings {
  /** Engine settings other than the test defaults. */
  tuning?: Partial<EngineTuning>;
  /** Server settings other than the test defaults. */
  config?: Partial<Config>;
  /** What `startServer` takes besides the configuration (a DNS resolver, engine seams, a logger). */
  start?: StartOptions;
}

/** Starts a server on `databaseUrl` with `settings`, as {@link startTestServer} does. */
export function startServerWith(databaseUrl: string, settings: ServerSettings = {}): Promise<RunningServer> {
  return startTestServer(databaseUrl, settings.tuning, settings.config, settings.start);
}

/** A fresh database and a server on it. */
export interface DatabaseServer {
  db: TestDatabase;
  server: RunningServer;
  /**
   * Stops the server gracefully, runs `whileDown` (if given), then starts a new one with the same
   * settings on the same database: `server` is the new one afterwards (on another port).
   */
  restart(whileDown?: () => Promise<void>): Promise<RunningServer>;
}

/** Settings that may be given as a function, run in `beforeAll` once the earlier fixtures are up. */
type Deferred<T, A extends unknown[] = []> = T | ((...args: A) => T);
const resolve = <T, A extends unknown[]>(value: Deferred<T, A> | undefined, ...args: A): T | undefined =>
  typeof value === 'function' ? (value as (...a: A) => T)(...args) : value;

export interface ServerOptions {
  /** Engine settings other than the test defaults. */
  tuning?: Partial<EngineTuning>;
  /** Server settings other than the test defaults (a function runs after the earlier `beforeAll`s, e.g. once an SMTP sink listens). */
  config?: Deferred<Partial<Config>>;
  /** What `startServer` takes besides the configuration (a function runs in `beforeAll`, as `config`). */
  start?: Deferred<StartOptions>;
}

/**
 * Sets up a {@link DatabaseServer} before the enclosing describe block's tests and tears it down
 * after them; its fields are filled in once `beforeAll` has run.
 */
export function useServer(kind: DatabaseKind, options: ServerOptions = {}): DatabaseServer {
  return serverFixture(kind, () => ({ tuning: options.tuning, config: resolve(options.config), start: resolve(options.start) }));
}

function serverFixture(kind: DatabaseKind, settingsNow: () => ServerSettings): DatabaseServer {
  let settings: ServerSettings = {};
  const fixture: DatabaseServer = {
    db: undefined as unknown as TestDatabase,
    server: undefined as unknown as RunningServer,
    async restart(whileDown) {
      await fixture.server.close();
      await whileDown?.();
      fixture.server = await startServerWith(fixture.db.url, settings);
      return fixture.server;
    },
  };
  beforeAll(async () => {
    settings = settingsNow();
    fixture.db = await createDatabase(kind);
    fixture.server = await startServerWith(fixture.db.url, settings);
  });
  afterAll(async () => {
    await fixture.server?.close();
    await fixture.db?.drop();
  });
  return fixture;
}

export interface ServerFixture extends DatabaseServer {
  sink: Sink;
  /** Signed in as a newly registered anonymous project (after a restart, on the new server). */
  api: Api;
}

export interface ServerFixtureOptions {
  /** Engine settings other than the test defaults. */
  tuning?: Partial<EngineTuning>;
  /** The registered project's name. */
  project?: string;
  /** How the sink answers; it sees what arrived so far. */
  respond?: (arrival: Arrival, sink: Sink) => SinkResponse;
  /** As {@link ServerOptions.config}; a function is given the fixture's sink, which listens by then. */
  config?: Deferred<Partial<Config>, [Sink]>;
  /** As {@link ServerOptions.start}; a function is given the fixture's sink. */
  start?: Deferred<StartOptions, [Sink]>;
}

/**
 * A sink, then a fresh database and a server on it, and a project registered on it: set up before
 * the enclosing describe block's tests and torn down after them.
 */
export function useTestServer(kind: DatabaseKind, options: ServerFixtureOptions = {}): ServerFixture {
  const sink = useSink(options.respond);
  const base = serverFixture(kind, () => ({ tuning: options.tuning, config: resolve(options.config, sink.sink), start: resolve(options.start, sink.sink) }));
  const fixture = Object.assign(base, { sink: undefined as unknown as Sink, api: undefined as unknown as Api }) as ServerFixture;
  const restart = base.restart;
  fixture.restart = async (whileDown) => {
    const server = await restart(whileDown);
    fixture.api = new Api(server.url, fixture.api.key);
    return server;
  };
  beforeAll(async () => {
    fixture.sink = sink.sink;
    fixture.api = new Api(fixture.server.url);
    await fixture.api.register(options.project);
  });
  return fixture;
}

/** A sink for the enclosing describe block (its field is filled in once `beforeAll` has run). */
export function useSink(respond?: (arrival: Arrival, sink: Sink) => SinkResponse): { sink: Sink } {
  const fixture = {} as { sink: Sink };
  beforeAll(async () => {
    fixture.sink = await startSink();
    if (respond) fixture.sink.respond = (a) => respond(a, fixture.sink);
  });
  afterAll(async () => {
    await fixture.sink?.close();
  });
  return fixture;
}

/**
 * A second server on a fixture's database (another node of the same cluster, so PostgreSQL in
 * practice), started after it and closed before it.
 */
export function usePeer(of: DatabaseServer, settings: ServerSettings = {}): { server: RunningServer } {
  const peer = {} as { server: RunningServer };
  beforeAll(async () => {
    peer.server = await startServerWith(of.db.url, settings);
  });
  afterAll(async () => {
    await peer.server?.close();
  });
  return peer;
}

/**
 * For the tests of a describe block that each need a server of their own settings: `start` makes
 * a fresh database of `kind` and a server on it; all are closed, and their databases dropped,
 * after the block.
 */
export function useServers(kind: DatabaseKind = 'sqlite'): { start(settings?: ServerSettings): Promise<Omit<DatabaseServer, 'restart'>> } {
  const started: Array<Omit<DatabaseServer, 'restart'>> = [];
  afterAll(async () => {
    for (const { server, db } of started.splice(0).reverse()) {
      await server.close();
      await db.drop();
    }
  });
  return {
    async start(settings = {}) {
      const db = await createDatabase(kind);
      try {
        const server = await startServerWith(db.url, settings);
        started.push({ db, server });
        return { db, server };
      } catch (err) {
        await db.drop();
        throw err;
      }
    },
  };
}
