import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteWriter } from '../store/connect.js';
import type { WriterReply, WriterRequest, WriterThreadData } from './batchWriter.js';
import { writeBatch } from './writeBatch.js';

// The writer thread: the engine's group commits on a connection of their own (see batchWriter.ts).
const { file, publicUrl } = workerData as WriterThreadData;
const port = parentPort!;
const store = openSqliteWriter(file);

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    void store.close().finally(() => port.close());
    return;
  }
  const { id, batch } = request;
  writeBatch(store, batch, publicUrl).then(
    (written) => port.postMessage({ id, written } satisfies WriterReply),
    (err: unknown) => {
      const e = err as { message?: string; code?: string };
      port.postMessage({ id, error: { message: e.message ?? String(err), code: e.code } } satisfies WriterReply);
    },
  );
});
