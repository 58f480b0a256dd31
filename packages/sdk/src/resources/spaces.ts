import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { CreateSpace, PageQuery, Space, SpacePauseResult, UpdateSpace } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * Spaces: folders of jobs with a default time zone, paused and resumed together.
 *
 * @example
 * ```ts
 * const space = await kairos.spaces.create({ name: 'billing', timezone: 'Europe/Berlin' });
 * ```
 */
export class Spaces extends Resource {
  /**
   * Lists the spaces with their job counts.
   * @example
   * ```ts
   * for await (const space of kairos.spaces.list()) console.log(space.name, space.jobCount);
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<Space> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/spaces', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates a space.
   * @example
   * ```ts
   * const space = await kairos.spaces.create({ name: 'reports' });
   * ```
   */
  async create(space: CreateSpace, options?: RequestOptions): Promise<Space> {
    const { data } = await this.transport.json<{ data: Space }>({ method: 'POST', path: '/v1/spaces', body: space, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Reads a space.
   * @example
   * ```ts
   * const { activeJobCount } = await kairos.spaces.get('sp_…');
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<Space> {
    const { data } = await this.transport.json<{ data: Space }>({ method: 'GET', path: `/v1/spaces/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Renames a space or changes its default time zone (for jobs created in it from now on).
   * @example
   * ```ts
   * await kairos.spaces.update('sp_…', { timezone: 'America/New_York' });
   * ```
   */
  async update(id: string, changes: UpdateSpace, options?: RequestOptions): Promise<Space> {
    const { data } = await this.transport.json<{ data: Space }>({ method: 'PATCH', path: `/v1/spaces/${seg(id)}`, body: changes, retry: 'safe', options });
    return data;
  }

  /**
   * Deletes an empty space (one with jobs is a `ConflictError`).
   * @example
   * ```ts
   * await kairos.spaces.delete('sp_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/spaces/${seg(id)}`, retry: 'safe', options });
  }

  /**
   * Pauses every active job in the space.
   * @example
   * ```ts
   * const { jobsAffected } = await kairos.spaces.pause('sp_…');
   * ```
   */
  async pause(id: string, options?: RequestOptions): Promise<SpacePauseResult> {
    const { data } = await this.transport.json<{ data: SpacePauseResult }>({ method: 'POST', path: `/v1/spaces/${seg(id)}/pause`, retry: 'safe', options });
    return data;
  }

  /**
   * Resumes the jobs that pausing the space paused (not those paused one by one).
   * @example
   * ```ts
   * await kairos.spaces.resume('sp_…');
   * ```
   */
  async resume(id: string, options?: RequestOptions): Promise<SpacePauseResult> {
    const { data } = await this.transport.json<{ data: SpacePauseResult }>({ method: 'POST', path: `/v1/spaces/${seg(id)}/resume`, retry: 'safe', options });
    return data;
  }
}
