import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with the n-th request (n from 1). */
export type Fault =
  | { kind: 'forward' }
  /** Forward it, then cut the connection instead of answering: the request took effect, its answer was lost. */
  | { kind: 'lose-answer' }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string }
  /** Never answer. */
  | { kind: 'hang' };

/** A real HTTP proxy on 127.0.0.1 in front of a Kairos server that misbehaves as told. */
export interface FaultProxy {
  url: string;
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; at: number }>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string, decide: (n: number, req: http.IncomingMessage) => Fault): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const requests: FaultProxy['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, at: Date.now() });
    const fault = decide(requests.length, req);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (fault.kind === 'hang') return;
      if (fault.kind === 'answer') {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection' && k !== 'content-length')) as Record<string, string>;
      const upstream = await fetch(target + (req.url ?? ''), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (fault.kind === 'lose-answer') {
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([k]) => k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length')));
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
