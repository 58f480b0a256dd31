import { describe, expect, it } from 'vitest';
import { ConflictError, Kairos, NotFoundError, PermissionError, ValidationError, AuthenticationError, type Execution, Page } from '../src/index.js';
import { eventually } from '../../server/test/support/server.js';
import { useClientFixture } from './support/fixture.js';

describe('the SDK against a real server', () => {
  const f = useClientFixture();

  it('schedules a one-time request with kairos.schedule and it is delivered with its payload', async () => {
    const job = await f.kairos.schedule({ url: `${f.sink.url}/once`, runIn: 200, payload: { hello: 'world' }, name: 'once' });
    expect(job).toMatchObject({ id: expect.stringMatching(/^job_/), name: 'once', status: 'active', schedule: { type: 'once' } });
    const [arrival] = await f.sink.waitFor(1);
    expect(arrival!.path).toBe('/once');
    expect(JSON.parse(arrival!.body)).toEqual({ hello: 'world' });
    await eventually(async () => ((await f.kairos.jobs.get(job.id)).status === 'completed' ? true : undefined));
  });

  it('maps every kind of "when" of kairos.schedule onto a schedule form', async () => {
    const url = `${f.sink.url}/forms`;
    const at = new Date(Date.now() + 3_600_000);
    const forms = await Promise.all([
      f.kairos.schedule({ url, runAt: at }),
      f.kairos.schedule({ url, cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }),
      f.kairos.schedule({ url, every: '10m' }),
      f.kairos.schedule({ url, runEvery: 'morning' }),
      f.kairos.schedule({ url, runEvery: { day: 'monday', hour: 9, minute: 30 } }),
      f.kairos.schedule({ url, runEvery: ['08:00', '14:30'] }),
    ]);
    expect(forms.map((j) => j.schedule)).toEqual([
      expect.objectContaining({ type: 'once', at: at.toISOString() }),
      expect.objectContaining({ type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' }),
      expect.objectContaining({ type: 'interval', every: 600_000 }),
      expect.objectContaining({ type: 'preset', preset: 'morning' }),
      expect.objectContaining({ type: 'weekly', day: 'monday', hour: 9, minute: 30 }),
      expect.objectContaining({ type: 'daily', times: ['08:00', '14:30'] }),
    ]);
    expect(() => f.kairos.schedule({ url, cron: '* * * * *', every: '1m' })).toThrow(/exactly one of runAt, runIn, cron, every, runEvery \(got cron, every\)/);
    await f.kairos.jobs.bulk({ jobIds: forms.map((j) => j.id), action: 'delete' });
  });

  it('lists jobs one page with its meta, or every job across pages with for await', async () => {
    const created = await f.kairos.jobs.batch(Array.from({ length: 7 }, (_, i) => ({ name: `paging-${i}`, url: `${f.sink.url}/p${i}`, schedule: { type: 'once' as const, delay: '1h' }, tags: ['paging'] })));
    expect(created).toHaveLength(7);
    const page = await f.kairos.jobs.list({ tag: 'paging', perPage: 3 });
    expect(page).toBeInstanceOf(Page);
    expect(page.data).toHaveLength(3);
    expect(page.meta).toEqual({ page: 1, perPage: 3, total: 7 });
    expect(page.hasNextPage()).toBe(true);
    const third = await (await page.nextPage()).nextPage();
    expect(third.data).toHaveLength(1);
    expect(third.hasNextPage()).toBe(false);
    const ids: string[] = [];
    for await (const job of f.kairos.jobs.list({ tag: 'paging', perPage: 2 })) ids.push(job.id);
    expect(ids.sort()).toEqual(created.map((j) => j.id).sort());
    expect(await f.kairos.jobs.list({ tag: 'paging', q: 'paging-3' }).toArray()).toHaveLength(1);
    const bulk = await f.kairos.jobs.bulk({ jobIds: [...ids, 'job_missing'], action: 'delete' });
    expect(bulk).toEqual({ succeeded: 7, failed: 1, errors: [expect.objectContaining({ jobId: 'job_missing', code: 'not_found' })] });
  });

  it('gets, updates, replaces, pauses, resumes, cancels and deletes a job', async () => {
    const job = await f.kairos.jobs.create({ url: `${f.sink.url}/life`, schedule: { type: 'interval', every: '1h' }, name: 'life' });
    expect(await f.kairos.jobs.get(job.id)).toMatchObject({ id: job.id, name: 'life' });
    expect(await f.kairos.jobs.update(job.id, { name: 'renamed', tags: ['a'] })).toMatchObject({ name: 'renamed', tags: ['a'] });
    expect(await f.kairos.jobs.replace(job.id, { url: `${f.sink.url}/life2`, schedule: { type: 'interval', every: '2h' } })).toMatchObject({ url: `${f.sink.url}/life2`, tags: [] });
    expect(await f.kairos.jobs.pause(job.id)).toMatchObject({ status: 'paused' });
    await expect(f.kairos.jobs.pause(job.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await f.kairos.jobs.resume(job.id)).toMatchObject({ status: 'active' });
    expect(await f.kairos.jobs.cancel(job.id)).toMatchObject({ status: 'cancelled' });
    await f.kairos.jobs.delete(job.id);
    const missing = await f.kairos.jobs.get(job.id).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('runs a job now, waiting for the attempt or not, and reads and replays executions', async () => {
    const before = f.sink.arrivals.length;
    const job = await f.kairos.jobs.create({ url: `${f.sink.url}/run`, schedule: { type: 'interval', every: '1h' } });
    const waited = (await f.kairos.jobs.run(job.id, { wait: true })) as Execution;
    expect(waited).toMatchObject({ jobId: job.id, status: 'success', statusCode: 200, triggeredBy: 'manual' });
    const pending = await f.kairos.jobs.run(job.id);
    expect(pending).toMatchObject({ jobId: job.id, status: 'pending', triggeredBy: 'manual' });
    await f.sink.waitFor(before + 2);
    const one = await f.kairos.executions.get(waited.id);
    expect(one).toMatchObject({ id: waited.id, responseBody: 'ok' });
    const replay = await f.kairos.executions.replay(waited.id);
    expect(replay).toMatchObject({ jobId: job.id, replayOf: waited.id, status: 'pending', triggeredBy: 'replay' });
    const all = await eventually(async () => {
      const list = await f.kairos.executions.list({ jobId: job.id }).toArray();
      return list.length === 3 ? list : undefined;
    });
    expect(all.map((e) => e.triggeredBy).sort()).toEqual(['manual', 'manual', 'replay']);
    const { data, meta } = await f.kairos.jobs.executions(job.id, { perPage: 1 });
    expect(data).toHaveLength(1);
    expect(meta.total).toBe(3);
    expect((await f.kairos.executions.list({ jobId: job.id, triggeredBy: 'replay' })).data).toHaveLength(1);
    const sparklines = await f.kairos.jobs.sparklines().toArray();
    expect(sparklines.find((s) => s.jobId === job.id)?.points.length).toBe(3);
  });

  it('validates on the server and names the field in a ValidationError', async () => {
    const err = await f.kairos.jobs.create({ url: `${f.sink.url}/x`, schedule: { type: 'cron', expression: 'not cron' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 422, code: 'validation_failed', details: [expect.objectContaining({ field: 'schedule.expression' })] });
  });

  it('manages spaces: create, get, list, update, pause, resume, delete', async () => {
    const space = await f.kairos.spaces.create({ name: 'billing', timezone: 'Europe/Berlin' });
    expect(space).toMatchObject({ id: expect.stringMatching(/^sp_/), name: 'billing', timezone: 'Europe/Berlin', jobCount: 0 });
    const job = await f.kairos.jobs.create({ url: `${f.sink.url}/sp`, schedule: { type: 'cron', expression: '0 9 * * *' }, spaceId: space.id });
    expect(job.schedule).toMatchObject({ timezone: 'Europe/Berlin' });
    expect(await f.kairos.spaces.get(space.id)).toMatchObject({ jobCount: 1, activeJobCount: 1 });
    expect((await f.kairos.spaces.list().toArray()).map((s) => s.id)).toContain(space.id);
    expect(await f.kairos.spaces.update(space.id, { name: 'billing-eu' })).toMatchObject({ name: 'billing-eu' });
    expect(await f.kairos.spaces.pause(space.id)).toMatchObject({ jobsAffected: 1, space: { pausedJobCount: 1 } });
    expect(await f.kairos.spaces.resume(space.id)).toMatchObject({ jobsAffected: 1, space: { activeJobCount: 1 } });
    await expect(f.kairos.spaces.delete(space.id)).rejects.toBeInstanceOf(ConflictError);
    await f.kairos.jobs.delete(job.id);
    await f.kairos.spaces.delete(space.id);
    await expect(f.kairos.spaces.get(space.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('manages API keys: a read-only key can read but not write, and a revoked key is refused', async () => {
    const created = await f.kairos.apiKeys.create({ name: 'reader', scopes: ['read'] });
    expect(created).toMatchObject({ id: expect.stringMatching(/^key_/), name: 'reader', scopes: ['read'], key: expect.stringMatching(/^kr_live_/) });
    expect((await f.kairos.apiKeys.list().toArray()).map((k) => k.id)).toContain(created.id);
    const reader = new Kairos({ baseUrl: f.server.url, apiKey: created.key });
    await reader.jobs.list();
    const denied = await reader.spaces.create({ name: 'nope' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionError);
    expect(denied).toMatchObject({ status: 403, details: [{ field: 'scopes', issue: 'must include "write"' }] });
    await f.kairos.apiKeys.revoke(created.id);
    await expect(reader.jobs.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('manages signing secrets: create, list, rotate, delete', async () => {
    const first = await f.kairos.signingSecrets.create();
    expect(first.secret).toMatch(/^whsec_/);
    await expect(f.kairos.signingSecrets.create()).rejects.toBeInstanceOf(ConflictError);
    const second = await f.kairos.signingSecrets.rotate();
    const listed = await f.kairos.signingSecrets.list();
    expect(listed.map((s) => s.id).sort()).toEqual([first.id, second.id].sort());
    expect(listed.find((s) => s.id === first.id)?.expiresAt).not.toBeNull();
    await f.kairos.signingSecrets.delete(first.id);
    await f.kairos.signingSecrets.delete(second.id);
    expect(await f.kairos.signingSecrets.list()).toEqual([]);
  });

  it('manages alert channels, rules and notices', async () => {
    const channel = await f.kairos.alerts.channels.create({ type: 'webhook', name: 'ops', config: { url: `${f.sink.url}/alerts` } });
    expect(channel).toMatchObject({ id: expect.stringMatching(/^ch_/), type: 'webhook' });
    expect(await f.kairos.alerts.channels.get(channel.id)).toMatchObject({ name: 'ops' });
    expect(await f.kairos.alerts.channels.update(channel.id, { name: 'ops-2' })).toMatchObject({ name: 'ops-2' });
    expect(await f.kairos.alerts.channels.test(channel.id)).toMatchObject({ delivered: true, statusCode: 200 });
    expect((await f.kairos.alerts.channels.list()).meta.total).toBe(1);
    const rule = await f.kairos.alerts.rules.create({ name: 'everything', channelIds: [channel.id], events: ['job.executed'], cooldownMinutes: 0 });
    expect(rule).toMatchObject({ id: expect.stringMatching(/^alr_/), events: ['job.executed'], enabled: true });
    expect(await f.kairos.alerts.rules.get(rule.id)).toMatchObject({ name: 'everything' });
    expect((await f.kairos.alerts.rules.list().toArray()).map((r) => r.id)).toEqual([rule.id]);
    const job = await f.kairos.jobs.create({ url: `${f.sink.url}/alerted`, schedule: { type: 'once', delay: 100 } });
    const notices = await eventually(async () => {
      const { data } = await f.kairos.alerts.notices({ jobId: job.id, status: 'delivered' });
      return data.length > 0 ? data : undefined;
    });
    expect(notices[0]).toMatchObject({ event: 'job.executed', ruleId: rule.id, channelId: channel.id, jobId: job.id });
    await expect(f.kairos.alerts.channels.delete(channel.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await f.kairos.alerts.rules.update(rule.id, { enabled: false })).toMatchObject({ enabled: false });
    await f.kairos.alerts.rules.delete(rule.id);
    await f.kairos.alerts.channels.delete(channel.id);
  });

  it('manages inbound webhooks: a post to the URL schedules a job', async () => {
    const hook = await f.kairos.inboundWebhooks.create({ targetUrl: `${f.sink.url}/inbound`, name: 'payments' });
    expect(hook).toMatchObject({ id: expect.stringMatching(/^ibw_/), targetUrl: `${f.sink.url}/inbound` });
    expect(await f.kairos.inboundWebhooks.get(hook.id)).toMatchObject({ slug: hook.slug });
    expect((await f.kairos.inboundWebhooks.list().toArray()).map((h) => h.id)).toEqual([hook.id]);
    const posted = await fetch(`${f.server.url}/v1/inbound/${hook.slug}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"paid":true}' });
    expect(posted.status).toBe(202);
    await eventually(() => (f.sink.arrivals.some((a) => a.path === '/inbound' && a.body === '{"paid":true}') ? true : undefined));
    await f.kairos.inboundWebhooks.delete(hook.id);
    await expect(f.kairos.inboundWebhooks.get(hook.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads and changes settings, usage and plans', async () => {
    expect(await f.kairos.settings.get()).toMatchObject({ name: 'clients', plan: 'unlimited' });
    expect(await f.kairos.settings.update({ name: 'renamed project' })).toMatchObject({ name: 'renamed project' });
    const usage = await f.kairos.usage.get();
    expect(usage).toMatchObject({ plan: 'unlimited', usage: { jobs: { unlimited: true }, dailyRuns: { used: expect.any(Number) } } });
    expect((await f.kairos.usage.plans()).map((p) => p.name)).toContain('unlimited');
    expect(await f.kairos.health()).toMatchObject({ status: 'ok' });
  });

  it('registers an account, lists and creates its projects, and renews its access token on its own', async () => {
    const tokens: string[] = [];
    const client = new Kairos({ baseUrl: f.server.url, apiKey: '', onTokens: (t) => tokens.push(t.refreshToken) });
    const account = await client.auth.register({ email: 'sdk@example.com', password: 'correct horse battery', name: 'SDK' });
    expect(account.apiKey).toMatch(/^kr_live_/);
    const me = await client.auth.me();
    expect(me).toMatchObject({ user: { email: 'sdk@example.com' } });
    const second = await client.projects.create({ name: 'second' });
    expect((await client.projects.list().toArray()).map((p) => p.id).sort()).toEqual([account.project.id, second.id].sort());
    // Two projects: a project route needs the project named.
    const scoped = new Kairos({ baseUrl: f.server.url, session: { accessToken: account.accessToken, refreshToken: account.refreshToken }, project: second.id });
    expect(await scoped.settings.get()).toMatchObject({ id: second.id });
    // The first account on a fresh install is the operator's admin, who may assign plans.
    expect(me).toMatchObject({ user: { isAdmin: true } });
    const other = (await client.usage.plans()).find((p) => p.name !== 'unlimited')!;
    expect(await client.projects.setPlan(second.id, other.name)).toMatchObject({ projectId: second.id, plan: { name: other.name } });
    expect(await scoped.usage.get()).toMatchObject({ plan: other.name });
    expect(await client.projects.setPlan(second.id, null)).toMatchObject({ plan: { name: 'unlimited' } });

    // An access token the server refuses, with a good refresh token: renewed once, then the call goes through.
    const stale = new Kairos({
      baseUrl: f.server.url,
      session: { accessToken: 'expired', refreshToken: account.refreshToken },
      project: account.project.id,
      onTokens: (t) => tokens.push(t.refreshToken),
    });
    expect(await stale.settings.get()).toMatchObject({ id: account.project.id });
    expect(tokens).toHaveLength(1);
    // An access token past its expiry is renewed before the call is sent.
    const login = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.login({ email: 'sdk@example.com', password: 'correct horse battery' });
    const expiring = new Kairos({
      baseUrl: f.server.url,
      session: { accessToken: login.accessToken, refreshToken: login.refreshToken, accessTokenExpiresAt: new Date(Date.now() + 1_000).toISOString() },
      project: account.project.id,
      onTokens: (t) => tokens.push(t.refreshToken),
    });
    await expiring.jobs.list();
    expect(tokens).toHaveLength(2);
    // The renewal spent the old refresh token; the one it handed over works.
    const refreshed = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.refresh(tokens[1]!);
    expect(refreshed.accessToken).toEqual(expect.any(String));
    await expect(new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.refresh(login.refreshToken)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('rotates the calling API key and keeps working with the new one', async () => {
    const { apiKey } = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.registerAnonymous({ name: 'rotating' });
    const client = new Kairos({ baseUrl: f.server.url, apiKey });
    const rotated = await client.auth.rotateKey();
    expect(rotated.key).not.toBe(apiKey);
    expect(await client.settings.get()).toMatchObject({ name: 'rotating' });
    await expect(new Kairos({ baseUrl: f.server.url, apiKey }).settings.get()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
