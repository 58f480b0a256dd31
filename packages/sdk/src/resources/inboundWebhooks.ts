import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { CreateInboundWebhook, InboundWebhook, PageQuery } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * Inbound webhooks: a URL that, when anyone posts to it, schedules a request to your target
 * (optionally delayed).
 *
 * @example
 * ```ts
 * const hook = await kairos.inboundWebhooks.create({ targetUrl: 'https://example.com/payments', delayMs: 5_000 });
 * console.log(hook.url); // give this to the sender
 * ```
 */
export class InboundWebhooks extends Resource {
  /**
   * Lists the inbound webhooks.
   * @example
   * ```ts
   * for await (const hook of kairos.inboundWebhooks.list()) console.log(hook.slug, hook.targetUrl);
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<InboundWebhook> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/inbound-webhooks', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates one; its `url` is where senders post.
   * @example
   * ```ts
   * const { url } = await kairos.inboundWebhooks.create({ targetUrl: 'https://example.com/in' });
   * ```
   */
  async create(hook: CreateInboundWebhook, options?: RequestOptions): Promise<InboundWebhook> {
    const { data } = await this.transport.json<{ data: InboundWebhook }>({ method: 'POST', path: '/v1/inbound-webhooks', body: hook, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Reads one.
   * @example
   * ```ts
   * const hook = await kairos.inboundWebhooks.get('ibw_…');
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<InboundWebhook> {
    const { data } = await this.transport.json<{ data: InboundWebhook }>({ method: 'GET', path: `/v1/inbound-webhooks/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Deletes one: posts to its URL are 404 from now on.
   * @example
   * ```ts
   * await kairos.inboundWebhooks.delete('ibw_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/inbound-webhooks/${seg(id)}`, retry: 'safe', options });
  }
}
