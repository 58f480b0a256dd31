import { parentPort, workerData } from 'node:worker_threads';
import { jobVariable } from '../domain/jobVariable.js';
import { openThreadStore } from '../store/connect.js';
import { claimBatch } from './claimBatch.js';
import type { EngineSqlReply, EngineSqlRequest, EngineSqlThreadData } from './engineSql.js';
import type { PlanSettings } from './jobPlan.js';
import { writeBatch } from './writeBatch.js';

// The engine's SQL thread: claims and group commits on a connection of their own (see
// engineSql.ts). This file wires the thread as main.ts wires the process.
const { url, publicUrl, userAgent, telegramApiUrl } = workerData as EngineSqlThreadData;
const planning: PlanSettings = { userAgent, telegramApiUrl, jobVariable };
const port = parentPort!;
const store = openThreadStore(url);

port.on('message', (request: EngineSqlRequest) => {
  if ('close' in request) {
    void store.close().finally(() => port.close());
    return;
  }
  const { id } = request;
  const done = 'claim' in request ? claimBatch(store, request.claim, planning) : writeBatch(store, request.batch, publicUrl);
  done.then(
    (result) => port.postMessage({ id, result } satisfies EngineSqlReply),
    (err: unknown) => {
      const e = err as { message?: string; code?: string };
      port.postMessage({ id, error: { message: e.message ?? String(err), code: e.code } } satisfies EngineSqlReply);
    },
  );
});
