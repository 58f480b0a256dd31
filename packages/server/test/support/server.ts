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
  options: Omit<StartOptions, 'logger'> = {},
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
  return startServer(config, { ...options, logger: pino({ level: process.env.KAIROS_TEST_LOG ?? 'silent' }) });
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

export interface ServerFixture {
  db: TestDatabase;
  server: RunningServer;
  sink: Sink;
  /** Signed in as a newly registered anonymous project. */
  api: Api;
}

export interface ServerFixtureOptions {
  /** The registered project's name. */
  project?: string;
  /** How the sink answers; it sees what arrived so far. */
  respond?: (arrival: Arrival, sink: Sink) => SinkResponse;
  /** Engine settings other than the test defaults. */
  tuning?: Partial<EngineTuning>;
  /** Server settings other than the test defaults (a function runs after the earlier `beforeAll`s, e.g. once an SMTP sink listens). */
  config?: Partial<Config> | (() => Partial<Config>);
  /** What `startServer` takes besides the configuration (a DNS resolver, engine seams). */
  start?: Omit<StartOptions, 'logger'>;
}

/** A fresh database and a server on it, for one describe block. */
export interface DatabaseServer {
  db: TestDatabase;
  server: RunningServer;
}

/**
 * Sets up a {@link DatabaseServer} before the enclosing describe block's tests and tears it down
 * after them; its fields are filled in once `beforeAll` has run.
 */
export function useServer(
  kind: DatabaseKind,
  tuning: Partial<EngineTuning> = {},
  overrides: Partial<Config> | (() => Partial<Config>) = {},
  options: Omit<StartOptions, 'logger'> = {},
): DatabaseServer {
  const fixture = {} as DatabaseServer;
  beforeAll(async () => {
    fixture.db = await createDatabase(kind);
    fixture.server = await startTestServer(fixture.db.url, tuning, typeof overrides === 'function' ? overrides() : overrides, options);
  });
  afterAll(async () => {
    await fixture.server?.close();
    await fixture.db?.drop();
  });
  return fixture;
}

/**
 * Sets up a {@link ServerFixture} before the enclosing describe block's tests and tears it down
 * after them; its fields are filled in once `beforeAll` has run.
 */
export function useTestServer(kind: DatabaseKind, options: ServerFixtureOptions = {}): ServerFixture {
  const base = useServer(kind, options.tuning, options.config, options.start);
  const fixture = {} as ServerFixture;
  beforeAll(async () => {
    fixture.db = base.db;
    fixture.server = base.server;
    fixture.sink = await startSink();
    const { respond } = options;
    if (respond) fixture.sink.respond = (a) => respond(a, fixture.sink);
    fixture.api = new Api(fixture.server.url);
    await fixture.api.register(options.project);
  });
  afterAll(async () => {
    await fixture.sink?.close();
  });
  return fixture;
}
