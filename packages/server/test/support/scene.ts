import { afterAll } from 'vitest';
import type { BulkClient } from './bulk.js';
import type { TestDatabase } from './databases.js';
import type { FaultSink } from './faultSink.js';
import { killAllServers } from './process.js';

/** What a fault test starts: stopped after its describe block, however the test ended. */
export interface Scene {
  db?: TestDatabase;
  sink?: FaultSink;
  clients: BulkClient[];
}

/** A {@link Scene} whose server processes, clients, sink and database go after the block's tests. */
export function useScene(): Scene {
  const scene: Scene = { clients: [] };
  afterAll(async () => {
    await killAllServers();
    await Promise.all(scene.clients.map((c) => c.close()));
    await scene.sink?.close();
    await scene.db?.drop();
  });
  return scene;
}
