import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { ApiKey, CreateApiKey, NewApiKey, PageQuery } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * The project's API keys (needs the `admin` scope, or a signed-in owner).
 *
 * @example
 * ```ts
 * const { key } = await kairos.apiKeys.create({ name: 'CI', scopes: ['read', 'write'] });
 * ```
 */
export class ApiKeys extends Resource {
  /**
   * Lists the keys (never the keys themselves: their prefix and last four characters).
   * @example
   * ```ts
   * for await (const k of kairos.apiKeys.list()) console.log(k.name, k.scopes, k.lastFour);
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<ApiKey> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/api-keys', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates a key; its `key` is in this answer only.
   * @example
   * ```ts
   * const { id, key } = await kairos.apiKeys.create({ name: 'read-only dashboard', scopes: ['read'] });
   * ```
   */
  async create(request: CreateApiKey, options?: RequestOptions): Promise<NewApiKey> {
    const { data } = await this.transport.json<{ data: NewApiKey }>({ method: 'POST', path: '/v1/api-keys', body: request, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Revokes a key: it is refused from now on.
   * @example
   * ```ts
   * await kairos.apiKeys.revoke('key_…');
   * ```
   */
  async revoke(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/api-keys/${seg(id)}`, retry: 'safe', options });
  }
}
