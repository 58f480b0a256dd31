import { Agent, type Dispatcher, errors as undiciErrors, util as undiciUtil } from 'undici';
import type { TargetPolicy } from './targetPolicy.js';

export const responseBodyCap = 100 * 1024;

/** Redirect hops followed at most; each is checked by the target policy. */
export const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The flat header list without the named (lower-case) headers. */
function withoutHeaders(flat: string[], names: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (!names.has(flat[i]!.toLowerCase())) out.push(flat[i]!, flat[i + 1]!);
  return out;
}

/** One HTTP request as the engine hands it over: everything already resolved. */
export interface DeliveryRequest {
  origin: string;
  /** Path and query string. */
  path: string;
  method: string;
  /** Names and values in turn, as undici takes them without walking an object. */
  headers: string[];
  body: string | null;
  timeoutMs: number;
  /** Follow redirects for any method; GET and HEAD follow them anyway. */
  followRedirects: boolean;
}

export interface DeliveryResult {
  outcome: 'success' | 'failed' | 'timeout';
  statusCode: number | null;
  headers: Record<string, string | string[]> | null;
  /** The first 100 KiB of the response body, as text. */
  body: string | null;
  error: string | null;
  startedAt: number;
  durationMs: number;
}

export interface HttpDelivery {
  deliver(req: DeliveryRequest): Promise<DeliveryResult>;
  /** Drops every connection, ending requests still in flight: called once the engine's grace period is over. */
  close(): Promise<void>;
}

export interface HttpDeliveryOptions {
  policy: TargetPolicy;
  /** Sockets kept per origin; matches the engine's per-origin concurrency. */
  connectionsPerOrigin: number;
}

/**
 * Sends requests over kept-alive connections. Names are resolved through the target policy's
 * lookup, so the socket goes to exactly the address that was checked; literal addresses never
 * reach a lookup, so they are checked here, once per origin. Redirects are followed here, hop by
 * hop, each checked the same way: at most 5, and for methods other than GET and HEAD only when
 * the job opts in.
 */
export function createHttpDelivery(options: HttpDeliveryOptions): HttpDelivery {
  const { policy } = options;
  const agent = new Agent({
    connections: options.connectionsPerOrigin,
    keepAliveTimeout: 30_000,
    // The job's own timeout governs; undici's per-phase defaults would cut a 300 s job short.
    headersTimeout: 0,
    bodyTimeout: 0,
    // Room for a 16 KiB Kairos-State header beside the rest.
    maxHeaderSize: 64 * 1024,
    connect: { lookup: policy.lookup as never, timeout: 10_000 },
  });
  const literalVerdicts = new Map<string, string | null>();

  const refusal = (origin: string): string | null => {
    let verdict = literalVerdicts.get(origin);
    if (verdict === undefined) {
      verdict = policy.checkUrl(origin);
      if (literalVerdicts.size > 10_000) literalVerdicts.clear();
      literalVerdicts.set(origin, verdict);
    }
    return verdict;
  };

  async function deliver(req: DeliveryRequest): Promise<DeliveryResult> {
    const startedAt = Date.now();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refused = refusal(req.origin);
    if (refused) {
      return { outcome: 'failed', statusCode: null, headers: null, body: null, error: `target refused: ${refused}`, startedAt, durationMs: 0 };
    }
    const clock: Clock = { timedOut: false, abort: null };
    const timer = setTimeout(() => {
      clock.timedOut = true;
      clock.abort?.();
    }, req.timeoutMs);
    let { origin, path, method, headers, body } = req;
    let hop = 0;
    const failed = (error: string, res?: { statusCode: number; headers: unknown }, text: string | null = null): DeliveryResult => ({
      outcome: 'failed',
      statusCode: res?.statusCode ?? null,
      headers: (res?.headers as Record<string, string | string[]> | undefined) ?? null,
      body: text,
      error,
      startedAt,
      durationMs: elapsed(),
    });
    try {
      for (;;) {
        const res = await send(agent, { origin, path, method: method as Dispatcher.HttpMethod, headers, body: body ?? undefined }, clock);
        const location = redirectStatuses.has(res.statusCode) ? res.headers.location : undefined;
        if (typeof location === 'string') {
          if (method !== 'GET' && method !== 'HEAD' && !req.followRedirects) {
            return failed(`HTTP ${res.statusCode}: redirect to ${location} not followed (a ${method} follows redirects only when the job sets followRedirects)`, res, res.text);
          }
          if (hop >= maxRedirects) return failed(`too many redirects (more than ${maxRedirects})`, res);
          let next: URL;
          try {
            next = new URL(location, origin + path);
          } catch {
            return failed(`HTTP ${res.statusCode}: redirect to an invalid location`, res);
          }
          // Names are checked when the next hop connects (the guarded lookup); the URL and literal addresses here.
          const refused = next.username !== '' || next.password !== '' ? 'must not contain credentials (user:password@)' : refusal(next.origin);
          if (refused) return failed(`target refused: redirect to ${next.href}: ${refused}`, res);
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
            // As browsers do: the next hop is a GET without the body.
            if (method !== 'HEAD') method = 'GET';
            body = null;
            headers = withoutHeaders(headers, bodyHeaders);
          }
          // The job's credentials go to its own origin only.
          if (next.origin !== origin) headers = withoutHeaders(headers, credentialHeaders);
          origin = next.origin;
          path = `${next.pathname}${next.search}`;
          hop++;
          continue;
        }
        const text = res.text;
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        return {
          outcome: ok ? 'success' : 'failed',
          statusCode: res.statusCode,
          headers: res.headers as Record<string, string | string[]>,
          body: text,
          error: ok ? null : `HTTP ${res.statusCode}`,
          startedAt,
          durationMs: elapsed(),
        };
      }
    } catch (err) {
      if (clock.timedOut) {
        return { outcome: 'timeout', statusCode: null, headers: null, body: null, error: `timed out after ${req.timeoutMs} ms`, startedAt, durationMs: elapsed() };
      }
      return failed(hop > 0 ? `${describe(err)} (after ${hop} redirect${hop > 1 ? 's' : ''}, at ${origin}${path})` : describe(err));
    } finally {
      clearTimeout(timer);
    }
  }

  return { deliver, close: () => agent.destroy() };
}

/** A delivery's deadline, shared by its hops: once passed, the hop in flight is aborted. */
interface Clock {
  timedOut: boolean;
  abort: (() => void) | null;
}

interface Answer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  /** The first `responseBodyCap` bytes of the body, as text. */
  text: string;
}

class TimedOut extends Error {}

/**
 * One request through undici's dispatcher with a handler of our own: no response stream, no
 * AbortSignal, no promise per chunk; what `agent.request` plus reading its body would give,
 * at a good part of the cost. At most `responseBodyCap` bytes of the body are kept; past them
 * the connection is dropped, which is cheaper than reading the rest.
 */
function send(agent: Agent, options: Dispatcher.DispatchOptions, clock: Clock): Promise<Answer> {
  if (clock.timedOut) return Promise.reject(new TimedOut('timed out'));
  return new Promise((resolve, reject) => {
    let settled = false;
    let statusCode = 0;
    let headers: Record<string, string | string[]> = {};
    let abortHop: ((err: Error) => void) | null = null;
    const parts: Buffer[] = [];
    let size = 0;
    const finish = () => {
      if (settled) return;
      settled = true;
      clock.abort = null;
      resolve({ statusCode, headers, text: parts.length === 0 ? '' : parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts, size).toString('utf8') });
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clock.abort = null;
      reject(err);
    };
    // Timed out before the request reached a connection: it fails now, and is dropped on connecting.
    clock.abort = () => {
      const err = new TimedOut('timed out');
      abortHop?.(err);
      fail(err);
    };
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abort: (err?: Error) => void) {
        abortHop = abort;
        if (clock.timedOut || settled) abort(new TimedOut('timed out'));
      },
      onHeaders(code: number, raw: Buffer[]) {
        // 1xx answers are interim; the final one follows.
        if (code < 200) return true;
        statusCode = code;
        headers = undiciUtil.parseHeaders(raw) as Record<string, string | string[]>;
        return true;
      },
      onData(chunk: Buffer) {
        if (settled) return true;
        if (size + chunk.length < responseBodyCap) {
          parts.push(chunk);
          size += chunk.length;
          return true;
        }
        parts.push(chunk.subarray(0, responseBodyCap - size));
        size = responseBodyCap;
        finish();
        abortHop?.(new Error('response body past the cap is not read'));
        return true;
      },
      onComplete() {
        finish();
      },
      onError(err: Error) {
        fail(err);
      },
    } as unknown as Dispatcher.DispatchHandler;
    agent.dispatch(options, handler);
  });
}

/** A message a user can act on, from undici's and node's error chains. */
function describe(err: unknown): string {
  let e: unknown = err;
  const seen: string[] = [];
  while (e instanceof Error) {
    const code = (e as { code?: string }).code;
    if (code === 'KAIROS_TARGET_REFUSED') return `target refused: ${e.message}`;
    seen.push(code ? `${code}: ${e.message}` : e.message);
    e = (e as { cause?: unknown }).cause;
  }
  if (err instanceof undiciErrors.SocketError) return `connection closed by the target (${seen.join('; ')})`;
  return seen.length ? seen[seen.length - 1]! : String(err);
}
