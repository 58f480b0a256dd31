import { afterAll, beforeAll } from 'vitest';
import { createSqliteDatabase, type Sink, startSink, type TestDatabase } from '@kairos/testkit';
import { startTestServer } from '../../../server/test/support/server.js';
import type { RunningServer } from '../../../server/src/main.js';
import { Kairos } from '../../src/index.js';

/** What a client test runs against: a real server on a fresh SQLite file, a sink, a project. */
export interface ClientFixture {
  db: TestDatabase;
  server: RunningServer;
  sink: Sink;
  /** The registered project's all-scopes API key. */
  apiKey: string;
  /** Signed in with `apiKey`. */
  kairos: Kairos;
}

/**
 * Sets up a {@link ClientFixture} before the enclosing describe block's tests and tears it down
 * after them; its fields are filled in once `beforeAll` has run.
 */
export function useClientFixture(project = 'clients'): ClientFixture {
  const fixture = {} as ClientFixture;
  beforeAll(async () => {
    fixture.db = await createSqliteDatabase();
    fixture.server = await startTestServer(fixture.db.url);
    fixture.sink = await startSink();
    const registration = await new Kairos({ baseUrl: fixture.server.url, apiKey: '' }).auth.registerAnonymous({ name: project });
    fixture.apiKey = registration.apiKey;
    fixture.kairos = new Kairos({ baseUrl: fixture.server.url, apiKey: fixture.apiKey });
  });
  afterAll(async () => {
    await fixture.sink?.close();
    await fixture.server?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
