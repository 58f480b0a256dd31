import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api, type Arrival, databaseKinds } from '@kairos/testkit';
import { useDestinationSinks } from '../support/destinationSinks.js';
import { useTestServer } from '../support/server.js';

const botToken = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';

const headersOf = (a: Arrival) => Object.fromEntries(Object.entries(a.headers).map(([k, v]) => [k, String(v)]));

describe.each(databaseKinds)('alert channels and rules on %s', (kind) => {
  const sinks = useDestinationSinks();
  const t = useTestServer(kind, { config: () => sinks.config });
  /** The operator's admin, whose own project is put on the free plan (one alert config). */
  let admin: Api;

  beforeAll(async () => {
    admin = new Api(t.server.url);
    const registered = await admin.registerUser('ops@example.com');
    const assigned = await admin.request('PUT', `/v1/projects/${registered.project.id}/plan`, { plan: 'free' });
    expect(assigned.status).toBe(200);
  });

  async function channel(body: Record<string, unknown>, as: Api = t.api): Promise<any> {
    const r = await as.request('POST', '/v1/alerts/channels', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.data;
  }

  async function rule(body: Record<string, unknown>, as: Api = t.api): Promise<any> {
    const r = await as.request('POST', '/v1/alerts/rules', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.data;
  }

  const fieldsOf = (r: { body: any }) => (r.body.error.details as { field: string }[]).map((d) => d.field);

  it('creates, lists, reads, renames and deletes channels, never showing a secret in full', async () => {
    const webhookUrl = `${sinks.hooks.url}/services/T000/B000/slacksecret0001`;
    const slack = await channel({ type: 'slack', name: 'Engineering Alerts', config: { webhookUrl } });
    expect(slack).toMatchObject({ id: expect.stringMatching(/^ch_/), type: 'slack', name: 'Engineering Alerts', config: { webhookUrl: `${sinks.hooks.url}/…0001` } });
    const tg = await channel({ type: 'telegram', name: 'Ops chat', config: { botToken, chatId: '-100123456' } });
    expect(tg.config).toEqual({ botToken: '1234…m9T0', chatId: '-100123456' });
    const hook = await channel({ type: 'webhook', name: 'PagerDuty', config: { url: `${sinks.hooks.url}/v2/enqueue/token-in-path`, headers: { Authorization: 'Bearer pd-secret-value-0123456789' } } });
    expect(hook.config).toEqual({ url: `${sinks.hooks.url}/…path`, headers: { Authorization: 'Bear…6789' } });
    const mail = await channel({ type: 'email', name: 'On-call', config: { addresses: ['oncall@example.com'] } });
    expect(mail.config).toEqual({ addresses: ['oncall@example.com'] });

    const list = await t.api.request('GET', '/v1/alerts/channels?perPage=2');
    expect(list.body.meta).toEqual({ page: 1, perPage: 2, total: 4 });
    expect(list.body.data.map((c: any) => c.id)).toEqual([mail.id, hook.id]);
    expect((await t.api.request('GET', `/v1/alerts/channels/${slack.id}`)).body.data).toEqual(slack);

    const renamed = await t.api.request('PATCH', `/v1/alerts/channels/${slack.id}`, { name: 'Eng' });
    expect(renamed.body.data).toMatchObject({ name: 'Eng', config: { webhookUrl: `${sinks.hooks.url}/…0001` } });
    // The masked URL read back is not a URL to save.
    const masked = await t.api.request('PATCH', `/v1/alerts/channels/${slack.id}`, { config: renamed.body.data.config });
    expect(masked.status).toBe(422);
    expect(fieldsOf(masked)).toEqual(['config.webhookUrl']);
    // A test send still reaches the full URL after the rename.
    const sent = await t.api.request('POST', `/v1/alerts/channels/${slack.id}/test`);
    expect(sent.body.data.delivered).toBe(true);
    expect(sinks.hooks.arrivals.some((a) => a.path === '/services/T000/B000/slacksecret0001')).toBe(true);

    const shown = JSON.stringify([list.body, (await t.api.request('GET', '/v1/alerts/channels')).body, renamed.body]);
    for (const secret of ['slacksecret', botToken.split(':')[1]!, 'token-in-path', 'pd-secret-value']) expect(shown).not.toContain(secret);

    for (const c of [slack, tg, hook, mail]) expect((await t.api.request('DELETE', `/v1/alerts/channels/${c.id}`)).status).toBe(204);
    expect((await t.api.request('GET', `/v1/alerts/channels/${slack.id}`)).status).toBe(404);
  });

  it('answers 422 naming the config field that is missing or wrong', async () => {
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ type: 'slack', name: 'x', config: {} }, ['config.webhookUrl']],
      [{ type: 'discord', name: 'x', config: { webhookUrl: 'ftp://example.com/x' } }, ['config.webhookUrl']],
      [{ type: 'email', name: 'x', config: { addresses: ['ok@example.com', 'not-an-address'] } }, ['config.addresses[1]']],
      [{ type: 'webhook', name: 'x', config: { url: `${sinks.hooks.url}/in`, headers: { 'webhook-signature': 'forged' } } }, ['config.headers.webhook-signature']],
      [{ type: 'telegram', name: 'x', config: { botToken } }, ['config.chatId']],
      [{ type: 'pager', name: 'x', config: {} }, ['type']],
      [{ type: 'slack', config: { webhookUrl: `${sinks.hooks.url}/x` } }, ['name']],
    ];
    for (const [body, fields] of cases) {
      const r = await t.api.request('POST', '/v1/alerts/channels', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(fieldsOf(r), JSON.stringify(body)).toEqual(fields);
    }
  });

  it('creates rules with defaults, checks what they name, changes and deletes them', async () => {
    const slack = await channel({ type: 'slack', name: 'Rules', config: { webhookUrl: `${sinks.hooks.url}/services/rules` } });
    const job = await t.api.createJob({ url: `${sinks.hooks.url}/job`, schedule: { type: 'cron', expression: '0 0 1 1 *' } });
    const created = await rule({ name: 'Everything', channelIds: [slack.id] });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^alr_/),
      name: 'Everything',
      channelIds: [slack.id],
      jobId: null,
      spaceId: null,
      tag: null,
      events: ['job.failed', 'job.recovered'],
      consecutiveFailuresThreshold: 1,
      cooldownMinutes: 60,
      enabled: true,
    });

    const bad = await t.api.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: [slack.id, 'ch_nope'], jobId: 'job_nope' });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad)).toEqual(['channelIds[1]', 'jobId']);
    expect(fieldsOf(await t.api.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: [slack.id], spaceId: 'sp_nope' }))).toEqual(['spaceId']);
    expect(fieldsOf(await t.api.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: [slack.id], jobId: job.id, tag: 'billing' }))).toEqual(['tag']);
    expect(fieldsOf(await t.api.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: [slack.id], cooldownMinutes: 10_081 }))).toEqual(['cooldownMinutes']);
    expect(fieldsOf(await t.api.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: [slack.id], events: ['job.paused'] }))).toEqual(['events.0']);

    const scoped = await rule({ name: 'Billing', channelIds: [slack.id], tag: 'billing', events: ['job.failed'], consecutiveFailuresThreshold: 3, cooldownMinutes: 30 });
    // Naming a job replaces the tag: a rule has one scope.
    const moved = await t.api.request('PATCH', `/v1/alerts/rules/${scoped.id}`, { jobId: job.id, enabled: false });
    expect(moved.body.data).toMatchObject({ jobId: job.id, tag: null, enabled: false, consecutiveFailuresThreshold: 3, cooldownMinutes: 30, events: ['job.failed'] });
    expect((await t.api.request('GET', `/v1/alerts/rules/${scoped.id}`)).body.data).toEqual(moved.body.data);

    const list = await t.api.request('GET', '/v1/alerts/rules');
    expect(list.body.meta).toEqual({ page: 1, perPage: 20, total: 2 });
    expect(list.body.data.map((r: any) => r.id)).toEqual([scoped.id, created.id]);

    for (const r of [created, scoped]) expect((await t.api.request('DELETE', `/v1/alerts/rules/${r.id}`)).status).toBe(204);
    expect((await t.api.request('GET', `/v1/alerts/rules/${created.id}`)).status).toBe(404);
    expect((await t.api.request('DELETE', `/v1/alerts/channels/${slack.id}`)).status).toBe(204);
  });

  it('refuses with 409 to delete a channel that rules send to, naming them', async () => {
    const used = await channel({ type: 'slack', name: 'Used', config: { webhookUrl: `${sinks.hooks.url}/services/used` } });
    const other = await channel({ type: 'slack', name: 'Other', config: { webhookUrl: `${sinks.hooks.url}/services/other` } });
    const r = await rule({ name: 'Uses it', channelIds: [other.id, used.id] });
    const refused = await t.api.request('DELETE', `/v1/alerts/channels/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toContain(r.id);
    expect(refused.body.error.details).toEqual([{ field: 'ruleIds', issue: expect.stringContaining(r.id) }]);
    expect((await t.api.request('GET', `/v1/alerts/channels/${used.id}`)).status).toBe(200);

    await t.api.request('PATCH', `/v1/alerts/rules/${r.id}`, { channelIds: [other.id] });
    expect((await t.api.request('DELETE', `/v1/alerts/channels/${used.id}`)).status).toBe(204);
    await t.api.request('DELETE', `/v1/alerts/rules/${r.id}`);
    await t.api.request('DELETE', `/v1/alerts/channels/${other.id}`);
  });

  it("holds the plan's maxAlertConfigs with a 403 and reports the rules used in /v1/usage", async () => {
    const mail = await channel({ type: 'email', name: 'Ops', config: { addresses: ['ops@example.com'] } }, admin);
    expect((await admin.request('GET', '/v1/usage')).body.data.usage.alertConfigs).toEqual({ used: 0, limit: 1, unlimited: false });
    const first = await rule({ name: 'First', channelIds: [mail.id] }, admin);
    expect((await admin.request('GET', '/v1/usage')).body.data.usage.alertConfigs).toEqual({ used: 1, limit: 1, unlimited: false });
    const second = await admin.request('POST', '/v1/alerts/rules', { name: 'Second', channelIds: [mail.id] });
    expect(second.status).toBe(403);
    expect(second.body.error.code).toBe('max_alert_configs_exceeded');
    await admin.request('DELETE', `/v1/alerts/rules/${first.id}`);
    expect((await admin.request('GET', '/v1/usage')).body.data.usage.alertConfigs.used).toBe(0);
    await rule({ name: 'Second', channelIds: [mail.id] }, admin);
  });

  it('holds maxAlertConfigs when creates arrive together', async () => {
    const racer = new Api(t.server.url);
    const registered = await racer.registerUser('racer@example.com');
    expect((await admin.request('PUT', `/v1/projects/${registered.project.id}/plan`, { plan: 'free' })).status).toBe(200);
    const slack = await channel({ type: 'slack', name: 'Race', config: { webhookUrl: `${sinks.hooks.url}/services/race` } }, racer);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => racer.request('POST', '/v1/alerts/rules', { name: `r${i}`, channelIds: [slack.id] })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 403, 403, 403, 403, 403]);
    expect((await racer.request('GET', '/v1/alerts/rules')).body.meta.total).toBe(1);
  });

  it('lets a read-only key list but not change alerts', async () => {
    const key = await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const reader = new Api(t.server.url, key.body.data.key);
    expect((await reader.request('GET', '/v1/alerts/channels')).status).toBe(200);
    expect((await reader.request('GET', '/v1/alerts/rules')).status).toBe(200);
    expect((await reader.request('POST', '/v1/alerts/channels', { type: 'slack', name: 'x', config: { webhookUrl: `${sinks.hooks.url}/x` } })).status).toBe(403);
    expect((await reader.request('POST', '/v1/alerts/rules', { name: 'x', channelIds: ['ch_x'] })).status).toBe(403);
  });

  describe('test send', () => {
    it('posts a Slack message and reports the answer', async () => {
      const slack = await channel({ type: 'slack', name: 'Slack', config: { webhookUrl: `${sinks.hooks.url}/services/T1/B1/test-send` } });
      const r = await t.api.request('POST', `/v1/alerts/channels/${slack.id}/test`);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ delivered: true, statusCode: 200, response: 'ok', error: null });
      const arrival = sinks.hooks.arrivals.find((a) => a.path === '/services/T1/B1/test-send')!;
      expect(arrival.method).toBe('POST');
      expect(arrival.headers['content-type']).toBe('application/json');
      expect(JSON.parse(arrival.body).text).toMatch(/^\*Test notice from Kairos/);
    });

    it('reports delivered: false with the status when the far end answers 500', async () => {
      const failing = await channel({ type: 'discord', name: 'Broken', config: { webhookUrl: `${sinks.hooks.url}/fail/api/webhooks/1/x` } });
      const r = await t.api.request('POST', `/v1/alerts/channels/${failing.id}/test`);
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ delivered: false, statusCode: 500, response: 'no_service' });
      const body = JSON.parse(sinks.hooks.arrivals.find((a) => a.path === '/fail/api/webhooks/1/x')!.body);
      expect(body).toMatchObject({ content: expect.stringContaining('Test notice'), allowed_mentions: { parse: [] } });
    });

    it('calls the Telegram Bot API with the chat id and plain text', async () => {
      const tg = await channel({ type: 'telegram', name: 'TG', config: { botToken, chatId: -100987 } });
      const r = await t.api.request('POST', `/v1/alerts/channels/${tg.id}/test`);
      expect(r.body.data).toMatchObject({ delivered: true, statusCode: 200 });
      const arrival = sinks.telegram.arrivals.find((a) => a.path === `/bot${botToken}/sendMessage`)!;
      expect(JSON.parse(arrival.body)).toMatchObject({ chat_id: -100987, text: expect.stringMatching(/^Test notice from Kairos/) });
    });

    it("signs a webhook channel's envelope with the project's signing secret", async () => {
      const { secret } = (await t.api.request('POST', '/v1/signing-secrets/rotate')).body.data as { secret: string };
      const hook = await channel({ type: 'webhook', name: 'Receiver', config: { url: `${sinks.hooks.url}/receiver?src=kairos`, headers: { 'X-Team': 'payments' } } });
      const r = await t.api.request('POST', `/v1/alerts/channels/${hook.id}/test`);
      expect(r.body.data).toMatchObject({ delivered: true, statusCode: 200 });
      const arrival = sinks.hooks.arrivals.find((a) => a.path === '/receiver?src=kairos')!;
      const headers = headersOf(arrival);
      expect(headers['x-team']).toBe('payments');
      expect(headers['webhook-id']).toMatch(/^ntc_/);
      // Issue 14, defect 7: like every other message Kairos sends.
      expect(headers['kairos-event']).toBe('test');
      const envelope = new Webhook(secret).verify(arrival.body, headers) as any;
      expect(envelope).toMatchObject({ id: headers['webhook-id'], type: 'test', data: { jobId: null, executionId: null, consecutiveFailures: 0 } });
      expect(new Date(envelope.createdAt).toISOString()).toBe(envelope.createdAt);
      expect(() => new Webhook(secret).verify(arrival.body.replace('test', 'tset'), headers)).toThrow();
    });

    it('emails the addresses over SMTP', async () => {
      const mail = await channel({ type: 'email', name: 'Mail', config: { addresses: ['alerts@example.com', 'cto@example.com'] } });
      const r = await t.api.request('POST', `/v1/alerts/channels/${mail.id}/test`);
      expect(r.body.data).toMatchObject({ delivered: true, statusCode: 250, error: null });
      const received = sinks.smtp.messages.find((m) => m.to.includes('alerts@example.com'))!;
      expect(received.to).toEqual(['alerts@example.com', 'cto@example.com']);
      expect(received.raw).toMatch(/^Subject: \[Kairos\] Test notice from Kairos/m);
    });

    it('answers 404 for a channel of another project', async () => {
      const slack = await channel({ type: 'slack', name: 'Mine', config: { webhookUrl: `${sinks.hooks.url}/services/mine` } });
      expect((await admin.request('POST', `/v1/alerts/channels/${slack.id}/test`)).status).toBe(404);
      expect((await admin.request('GET', `/v1/alerts/channels/${slack.id}`)).status).toBe(404);
    });
  });
});
