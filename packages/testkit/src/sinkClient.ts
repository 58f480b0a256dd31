import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track, waitExit } from './children.js';
import type { StatsOptions } from './sink.js';

/** The script a sink process runs: a path the bench's orphan reaper recognises. */
export const sinkProcessScript = fileURLToPath(new URL('./sinkProcess.js', import.meta.url));

/** A sink in its own process (see sinkProcess.ts), driven over IPC. */
export interface SinkProcess {
  mode: string;
  port: number;
  url: string;
  pid: number;
  reset(): Promise<unknown>;
  count(): Promise<{ count: number; plain: number }>;
  stats(options?: StatsOptions): Promise<any>;
  close(): Promise<void>;
}

export async function startSinkProcess(mode: 'ok' | 'error' | 'hang' = 'ok', hangMs = 30_000): Promise<SinkProcess> {
  const child = track(fork(sinkProcessScript, [mode, String(hangMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), `sink-${mode}`);
  let seq = 0;
  const pending = new Map<number, (data: any) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; port?: number; id?: number; data?: unknown }) => {
      if (m.ready) return resolve(m.port!);
      const p = pending.get(m.id!);
      if (p) {
        pending.delete(m.id!);
        p(m.data);
      }
    });
    child.once('exit', (code) => reject(new Error(`sink (${mode}) exited with ${code} before it was ready`)));
  });
  const call = (cmd: string, opts?: unknown) =>
    new Promise<any>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`sink (${mode}) is gone`));
      const id = ++seq;
      const t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`sink (${mode}) did not answer ${cmd}`));
      }, 60_000);
      pending.set(id, (d) => {
        clearTimeout(t);
        resolve(d);
      });
      child.send({ id, cmd, opts });
    });
  return {
    mode,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    reset: () => call('reset'),
    count: () => call('count'),
    stats: (opts) => call('stats', opts),
    async close() {
      try {
        await call('close');
      } catch {
        // already gone
      }
      if (!(await waitExit(child, 2_000))) child.kill('SIGKILL');
    },
  };
}
