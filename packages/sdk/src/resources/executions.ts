import { readEvents } from '../core/eventStream.js';
import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import { KairosError } from '../errors.js';
import type { Execution, Job, ListExecutionsQuery, Replay, StreamQuery, StreamToken } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * One event of the live stream: an attempt recorded (`id` is the execution's id, which resumes the
 * stream after it), a job created or changed, or a job deleted.
 *
 * @example
 * ```ts
 * const describe = (e: StreamEvent) => (e.event === 'execution' ? `${e.data.jobId} ${e.data.status}` : e.event === 'job' ? `${e.data.id} ${e.data.status}` : `${e.data.id} deleted`);
 * ```
 */
export type StreamEvent =
  | { event: 'execution'; id: string; data: Execution }
  | { event: 'job'; data: Job }
  | { event: 'job.deleted'; data: { id: string } };

/**
 * Per-call settings of {@link Executions.stream}.
 *
 * @example
 * ```ts
 * const options: StreamOptions = { onOpen: () => console.error('following…'), signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface StreamOptions extends RequestOptions {
  /** Called each time the connection is open and events will follow (again, after a reconnect). */
  onOpen?: () => void;
}

/** How long the stream waits before it reconnects after the connection dropped. */
const reconnectDelayMs = 1_000;

/**
 * Executions: one per delivery attempt, with its status, HTTP status, duration and response.
 *
 * @example
 * ```ts
 * for await (const e of kairos.executions.list({ status: 'dead_letter' })) await kairos.executions.replay(e.id);
 * ```
 */
export class Executions extends Resource {
  /**
   * Lists attempts, newest first, filtered by `jobId`, `status`, `triggeredBy`, `from` and `to`.
   * @example
   * ```ts
   * const { data } = await kairos.executions.list({ jobId: 'job_…', status: 'failed' });
   * ```
   */
  list(query: ListExecutionsQuery = {}, options?: RequestOptions): PagePromise<Execution> {
    return paginate(
      (page) => this.transport.json({ method: 'GET', path: '/v1/executions', query: { ...query, page }, retry: 'safe', options }),
      query.page ?? 1,
    );
  }

  /**
   * Reads one attempt, with its response headers and body.
   * @example
   * ```ts
   * const e = await kairos.executions.get('exe_…');
   * console.log(e.statusCode, e.durationMs, e.error);
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<Execution> {
    const { data } = await this.transport.json<{ data: Execution }>({ method: 'GET', path: `/v1/executions/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Runs the attempt's job again now, linked to this attempt (`replayOf`).
   * @example
   * ```ts
   * const { runId } = await kairos.executions.replay('exe_…');
   * ```
   */
  async replay(id: string, options?: RequestOptions): Promise<Replay> {
    const { data } = await this.transport.json<{ data: Replay }>({ method: 'POST', path: `/v1/executions/${seg(id)}/replay`, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Follows the project's attempts (and job changes) as they happen, for as long as the loop runs:
   * breaking out of it, or aborting `options.signal`, closes the connection. A dropped connection is
   * opened again, resuming after the last attempt seen, so none is missed; `lastEventId` resumes
   * after an attempt from before; `jobId` keeps to one job. Like any generator it connects on the
   * first `next()`; `options.onOpen` says when events will follow.
   * @example
   * ```ts
   * for await (const e of kairos.executions.stream({ jobId: 'job_…' }, { onOpen: () => console.error('following…') })) {
   *   if (e.event === 'execution') console.log(e.data.status, e.data.statusCode);
   * }
   * ```
   */
  async *stream(query: StreamQuery = {}, options?: StreamOptions): AsyncGenerator<StreamEvent, void, undefined> {
    const signal = options?.signal;
    let lastEventId = query.lastEventId;
    for (;;) {
      const response = await this.transport.send({
        method: 'GET',
        path: '/v1/stream',
        query: { jobId: query.jobId },
        headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        retry: 'safe',
        options,
      });
      if (!response.body) throw new KairosError(response.status, 'empty_stream', 'The server answered the stream without a body.', []);
      options?.onOpen?.();
      try {
        for await (const raw of readEvents(response.body, signal)) {
          if (raw.event !== 'execution' && raw.event !== 'job' && raw.event !== 'job.deleted') continue;
          if (raw.event === 'execution' && raw.id) lastEventId = raw.id;
          yield { event: raw.event, ...(raw.id ? { id: raw.id } : {}), data: JSON.parse(raw.data) } as StreamEvent;
        }
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (!(err instanceof TypeError)) throw err; // TypeError: the connection broke mid-body
      }
      if (signal?.aborted) throw signal.reason;
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs));
      if (signal?.aborted) throw signal.reason;
    }
  }

  /**
   * A short-lived token for `GET /v1/stream?token=…`, for a browser's `EventSource`, which cannot
   * send an `Authorization` header.
   * @example
   * ```ts
   * const { token } = await kairos.executions.streamToken();
   * const source = new EventSource(`${kairos.baseUrl}/v1/stream?token=${encodeURIComponent(token)}`);
   * ```
   */
  async streamToken(options?: RequestOptions): Promise<StreamToken> {
    const { data } = await this.transport.json<{ data: StreamToken }>({ method: 'POST', path: '/v1/stream/tokens', retry: 'rate-limit', options });
    return data;
  }
}
