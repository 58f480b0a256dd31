import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type databaseKinds, type TestDatabase } from './databases.js';
import { type Arrival, type Sink, type SinkResponse, startSink } from './sink.js';
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

/** A thin JSON client for the native API, as a user's curl would be. */
export class Api {
  constructor(
    readonly baseUrl: string,
    public key?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the raw text is what the test sees
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Registers an anonymous project and keeps its key for later calls. */
  async register(name = 'test'): Promise<string> {
    const r = await this.request('POST', '/v1/auth/register-anonymous', { name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.apiKey as string;
    return this.key;
  }

  /** Registers a user account and signs in as them (the access token becomes the bearer). */
  async registerUser(email: string, password = 'correct horse battery', name = 'Test User'): Promise<any> {
    const r = await this.request('POST', '/v1/auth/register', { email, password, name });
    if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.key = r.body.data.accessToken as string;
    return r.body.data;
  }

  async createJob(job: Record<string, unknown>): Promise<any> {
    const r = await this.request('POST', '/v1/jobs', job);
    if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.data;
  }
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

/** What one describe block tests against: a fresh database, a server on it, a sink, a project. */
type DatabaseKind = (typeof databaseKinds)[number];

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
export function useServer(kind: DatabaseKind, tuning: Partial<EngineTuning> = {}, overrides: Partial<Config> = {}): DatabaseServer {
  const fixture = {} as DatabaseServer;
  beforeAll(async () => {
    fixture.db = await createDatabase(kind);
    fixture.server = await startTestServer(fixture.db.url, tuning, overrides);
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
  const base = useServer(kind, options.tuning);
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
