// The sink as a child process of its own (forked with an IPC channel), so that its CPU time is
// neither the bench harness's nor the server's.
//
//   node sinkProcess.js ok|error|hang [hangMs]
//
// ok: 200 "ok"; error: 500 "error"; hang: never answers (the socket is destroyed after hangMs,
// long after Kairos has given up). It records timing only (see SinkOptions.record); the parent
// asks for figures over IPC: reset, count, stats, close.
import { type SinkResponse, startSink } from './sink.js';

const mode = process.argv[2] ?? 'ok';
const hangMs = Number(process.argv[3] ?? 30_000);
const responses: Record<string, SinkResponse> = {
  ok: { body: 'ok' },
  error: { status: 500, body: 'error' },
  hang: { hang: true, destroyAfterMs: hangMs },
};
const response = responses[mode];
if (!response) throw new Error(`sink mode must be ok, error or hang, not "${mode}"`);

const sink = await startSink({ record: 'timing' });
sink.respond = () => response;

interface Command {
  id: number;
  cmd: string;
  opts?: Record<string, unknown>;
}

process.on('message', (msg: Command) => {
  const reply = (data: unknown) => process.send!({ id: msg.id, data });
  switch (msg.cmd) {
    case 'reset':
      sink.reset();
      reply({ ok: true });
      break;
    case 'count':
      reply(sink.tally());
      break;
    case 'stats':
      reply({ mode, ...sink.stats(msg.opts) });
      break;
    case 'close':
      void sink.close().then(() => process.exit(0));
      setTimeout(() => process.exit(0), 1000).unref();
      reply({ ok: true });
      break;
    default:
      reply({ error: `unknown command ${msg.cmd}` });
  }
});
// The parent is gone (even killed): nothing to serve.
process.on('disconnect', () => process.exit(0));

process.send!({ ready: true, port: sink.port });
