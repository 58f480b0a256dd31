import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  AlertChannel,
  AlertChannelTest,
  AlertNotice,
  AlertRule,
  CreateAlertChannel,
  CreateAlertRule,
  ListNoticesQuery,
  PageQuery,
  UpdateAlertChannel,
  UpdateAlertRule,
} from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * Alert channels: where notices go (slack, discord, email, webhook, telegram).
 *
 * @example
 * ```ts
 * const channel = await kairos.alerts.channels.create({ type: 'webhook', name: 'ops', config: { url: 'https://example.com/alerts' } });
 * ```
 */
export class AlertChannels extends Resource {
  /**
   * Lists the channels.
   * @example
   * ```ts
   * for await (const c of kairos.alerts.channels.list()) console.log(c.type, c.name);
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<AlertChannel> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/alerts/channels', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates a channel.
   * @example
   * ```ts
   * await kairos.alerts.channels.create({ type: 'email', name: 'on call', config: { addresses: ['ops@example.com'] } });
   * ```
   */
  async create(channel: CreateAlertChannel, options?: RequestOptions): Promise<AlertChannel> {
    const { data } = await this.transport.json<{ data: AlertChannel }>({ method: 'POST', path: '/v1/alerts/channels', body: channel, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Reads a channel (secrets in its config are masked).
   * @example
   * ```ts
   * const channel = await kairos.alerts.channels.get('ch_…');
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<AlertChannel> {
    const { data } = await this.transport.json<{ data: AlertChannel }>({ method: 'GET', path: `/v1/alerts/channels/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Changes a channel's name, config or enabled flag.
   * @example
   * ```ts
   * await kairos.alerts.channels.update('ch_…', { name: 'ops (primary)' });
   * ```
   */
  async update(id: string, changes: UpdateAlertChannel, options?: RequestOptions): Promise<AlertChannel> {
    const { data } = await this.transport.json<{ data: AlertChannel }>({ method: 'PATCH', path: `/v1/alerts/channels/${seg(id)}`, body: changes, retry: 'safe', options });
    return data;
  }

  /**
   * Deletes a channel that no rule sends to (otherwise a `ConflictError` naming the rules).
   * @example
   * ```ts
   * await kairos.alerts.channels.delete('ch_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/alerts/channels/${seg(id)}`, retry: 'safe', options });
  }

  /**
   * Sends a test notice through the channel and reports what its far end answered.
   * @example
   * ```ts
   * const { delivered, statusCode } = await kairos.alerts.channels.test('ch_…');
   * ```
   */
  async test(id: string, options?: RequestOptions): Promise<AlertChannelTest> {
    const { data } = await this.transport.json<{ data: AlertChannelTest }>({ method: 'POST', path: `/v1/alerts/channels/${seg(id)}/test`, retry: 'rate-limit', options });
    return data;
  }
}

/**
 * Alert rules: which events (`job.failed`, `job.recovered` …) of which jobs notify which channels.
 *
 * @example
 * ```ts
 * await kairos.alerts.rules.create({ channelIds: ['ch_…'], events: ['job.failed'] });
 * ```
 */
export class AlertRules extends Resource {
  /**
   * Lists the rules.
   * @example
   * ```ts
   * const { data: rules } = await kairos.alerts.rules.list();
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<AlertRule> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/alerts/rules', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates a rule: 1 to 10 channels, and at most one of `jobId`, `spaceId`, `tag` (none: every job).
   * @example
   * ```ts
   * const rule = await kairos.alerts.rules.create({ channelIds: ['ch_…'], events: ['job.failed', 'job.recovered'], tag: 'billing' });
   * ```
   */
  async create(rule: CreateAlertRule, options?: RequestOptions): Promise<AlertRule> {
    const { data } = await this.transport.json<{ data: AlertRule }>({ method: 'POST', path: '/v1/alerts/rules', body: rule, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Reads a rule.
   * @example
   * ```ts
   * const rule = await kairos.alerts.rules.get('alr_…');
   * ```
   */
  async get(id: string, options?: RequestOptions): Promise<AlertRule> {
    const { data } = await this.transport.json<{ data: AlertRule }>({ method: 'GET', path: `/v1/alerts/rules/${seg(id)}`, retry: 'safe', options });
    return data;
  }

  /**
   * Changes a rule.
   * @example
   * ```ts
   * await kairos.alerts.rules.update('alr_…', { enabled: false });
   * ```
   */
  async update(id: string, changes: UpdateAlertRule, options?: RequestOptions): Promise<AlertRule> {
    const { data } = await this.transport.json<{ data: AlertRule }>({ method: 'PATCH', path: `/v1/alerts/rules/${seg(id)}`, body: changes, retry: 'safe', options });
    return data;
  }

  /**
   * Deletes a rule.
   * @example
   * ```ts
   * await kairos.alerts.rules.delete('alr_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/alerts/rules/${seg(id)}`, retry: 'safe', options });
  }
}

/**
 * Alerts: channels, rules, and the notices they sent.
 *
 * @example
 * ```ts
 * for await (const notice of kairos.alerts.notices({ jobId: 'job_…' })) console.log(notice.event, notice.status);
 * ```
 */
export class Alerts extends Resource {
  /**
   * Where notices go.
   * @example
   * ```ts
   * await kairos.alerts.channels.list();
   * ```
   */
  readonly channels = new AlertChannels(this.transport);

  /**
   * What sends them.
   * @example
   * ```ts
   * await kairos.alerts.rules.list();
   * ```
   */
  readonly rules = new AlertRules(this.transport);

  /**
   * The notices sent (or that failed to send), newest first, filtered by `status` or `jobId`.
   * @example
   * ```ts
   * const { data } = await kairos.alerts.notices({ status: 'failed' });
   * ```
   */
  notices(query: ListNoticesQuery = {}, options?: RequestOptions): PagePromise<AlertNotice> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/alerts/notices', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }
}
