import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a {@link FakeApi} answers one request with: a status (200 unless given) and a JSON body. */
export interface FakeAnswer {
  status?: number;
  body: unknown;
}

/** A local JSON API standing in for a remote one (cron-job.org, EasyCron…) in tests. */
export interface FakeApi {
  url: string;
  /** Each request as it came: path with its query string, and the Authorization header. */
  seen: Array<{ path: string; authorization?: string }>;
  close(): Promise<void>;
}

/** Starts a {@link FakeApi} on a free loopback port, answering every request with `answer`. */
export async function startFakeApi(answer: (req: http.IncomingMessage, url: URL) => FakeAnswer): Promise<FakeApi> {
  const seen: FakeApi['seen'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
    const { status = 200, body } = answer(req, url);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}
