import { afterAll } from 'vitest';
import { type Api, killAllServers, type Sink, type TestDatabase } from '@kairos/testkit';

/** What a fault test starts: stopped after its describe block, however the test ended. */
export interface Scene {
  db?: TestDatabase;
  sink?: Sink;
  clients: Api[];
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
