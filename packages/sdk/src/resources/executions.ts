import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { Execution, ListExecutionsQuery, Replay } from '../types.js';
import { Resource, seg } from './resource.js';

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
}
