import { describe, expect, it } from 'vitest';
import { type Arrival, databaseKinds } from '@kairos/testkit';
import { dashboardDir } from '../../src/dashboardDir.js';
import { useSmtpSink } from '../support/smtp.js';
import { eventually, useTestServer } from '../support/server.js';

const at = (arrivals: readonly Arrival[], path: string) => arrivals.filter((a) => a.path === path);
const settle = () => new Promise((r) => setTimeout(r, 400));

describe.each(databaseKinds)('alert notices on %s', (kind) => {
  let broken = true;
  const email = useSmtpSink();
  const t = useTestServer(kind, {
    respond: (a) => (a.path === '/target' && broken ? { status: 500, body: 'database unavailable' } : a.path === '/slack-down' ? { status: 500 } : { status: 200, body: 'ok' }),
    tuning: { messageRetryMs: 100 },
    config: () => ({ smtpUrl: email.smtp.url, emailFrom: 'Kairos <kairos@example.com>', publicUrl: 'https://kairos.example.com' }),
  });

  const executionsOf = async (jobId: string) => (await t.api.request('GET', `/v1/jobs/${jobId}/executions`)).body.data as any[];
  const replayLast = async (jobId: string) => {
    const [last] = await executionsOf(jobId);
    const before = (await executionsOf(jobId)).length;
    expect((await t.api.request('POST', `/v1/executions/${last.id}/replay`)).status).toBe(202);
    return before;
  };

  it('notifies once per cooldown when a job dead-letters, by Slack and email, then once when it recovers, across a restart', async () => {
    const slack = (await t.api.request('POST', '/v1/alerts/channels', { type: 'slack', name: 'ops', config: { webhookUrl: `${t.sink.url}/slack` } })).body.data;
    const mail = (await t.api.request('POST', '/v1/alerts/channels', { type: 'email', name: 'on-call', config: { addresses: ['oncall@example.com'] } })).body.data;
    const rule = await t.api.request('POST', '/v1/alerts/rules', { name: 'billing broken', channelIds: [slack.id, mail.id], events: ['job.failed', 'job.recovered'], cooldownMinutes: 60 });
    expect(rule.status).toBe(201);

    const job = await t.api.createJob({ name: 'billing sync', url: `${t.sink.url}/target`, schedule: { type: 'once', delay: 10 }, retryPolicy: { strategy: 'fixed', maxRetries: 2, initialDelayMs: 50 } });
    await eventually(() => (at(t.sink.arrivals, '/slack').length >= 1 ? true : undefined), 10_000, 'the failure notice');
    // Only once the retries were spent: three attempts, then one notice.
    expect(at(t.sink.arrivals, '/target')).toHaveLength(3);
    const text = JSON.parse(at(t.sink.arrivals, '/slack')[0]!.body).text as string;
    expect(text).toContain('billing sync');
    expect(text).toContain('500');
    expect(text).toContain('database unavailable');
    // Issue 14, defect 6: a link only to a page that exists, the dashboard's job page.
    if (dashboardDir() !== undefined) expect(text).toContain(`https://kairos.example.com/jobs/${job.id}`);
    else expect(text).not.toContain('https://kairos.example.com');
    await eventually(() => email.smtp.messages.find((m) => m.to.includes('oncall@example.com')), 5_000, 'the failure email');

    // Broken again within the cooldown, before and after a restart: no new notice.
    await replayLast(job.id);
    await eventually(async () => ((await executionsOf(job.id)).length >= 6 ? true : undefined), 10_000, 'second run dead-lettered');
    await t.restart();
    await replayLast(job.id);
    await eventually(async () => ((await executionsOf(job.id)).length >= 9 ? true : undefined), 10_000, 'third run dead-lettered');
    await settle();
    expect(at(t.sink.arrivals, '/slack')).toHaveLength(1);
    expect(email.smtp.messages.filter((m) => m.to.includes('oncall@example.com'))).toHaveLength(1);

    // It works again: one recovery notice on each channel.
    broken = false;
    await replayLast(job.id);
    await eventually(() => (at(t.sink.arrivals, '/slack').length >= 2 ? true : undefined), 10_000, 'the recovery notice');
    expect(JSON.parse(at(t.sink.arrivals, '/slack')[1]!.body).text).toMatch(/recovered/);
    await eventually(() => (email.smtp.messages.filter((m) => m.to.includes('oncall@example.com')).length >= 2 ? true : undefined), 5_000, 'the recovery email');

    // A notice is recorded as delivered once its channel answered: a moment after the message arrived.
    const notices = await eventually(async () => {
      const body = (await t.api.request('GET', `/v1/alerts/notices?jobId=${job.id}`)).body;
      return body.data.length === 4 && body.data.every((n: any) => n.status !== 'pending') ? body : undefined;
    }, 5_000, 'the four notices recorded');
    expect(notices.meta.total).toBe(4);
    expect(notices.data.map((n: any) => n.event).sort()).toEqual(['job.failed', 'job.failed', 'job.recovered', 'job.recovered']);
    for (const n of notices.data) expect(n).toMatchObject({ status: 'delivered', attempts: 1, ruleId: rule.body.data.id, jobId: job.id });
    expect(notices.data.find((n: any) => n.event === 'job.failed')).toMatchObject({ consecutiveFailures: 1, statusCode: 500 });

    // Broken once more after recovering: the cooldown started over, so it is told at once.
    broken = true;
    await replayLast(job.id);
    await eventually(() => (at(t.sink.arrivals, '/slack').length >= 3 ? true : undefined), 10_000, 'a new failure notice');
    broken = false;
  });

  it('records a notice its channel would not take as failed after its attempts, and says nothing about it', async () => {
    const down = (await t.api.request('POST', '/v1/alerts/channels', { type: 'slack', name: 'down', config: { webhookUrl: `${t.sink.url}/slack-down` } })).body.data;
    const job = await t.api.createJob({ name: 'flaky', url: `${t.sink.url}/target`, schedule: { type: 'once', delay: 60_000 }, retryPolicy: { strategy: 'none' } });
    await t.api.request('POST', '/v1/alerts/rules', { name: 'flaky only', channelIds: [down.id], jobId: job.id, cooldownMinutes: 0 });
    broken = true;
    expect((await t.api.request('POST', `/v1/jobs/${job.id}/run`)).status).toBeLessThan(300);
    const failed = await eventually(async () => {
      const list = (await t.api.request('GET', `/v1/alerts/notices?jobId=${job.id}&status=failed`)).body.data;
      return list.length === 1 ? list[0] : undefined;
    }, 10_000, 'the notice given up');
    broken = false;
    expect(failed).toMatchObject({ event: 'job.failed', channelId: down.id, attempts: 4, lastAttempt: { statusCode: 500 } });
    expect(at(t.sink.arrivals, '/slack-down')).toHaveLength(4);
    await settle();
    // No notice about the notice.
    expect((await t.api.request('GET', '/v1/alerts/notices?status=failed')).body.meta.total).toBe(1);
  });

  it('validates the notices query', async () => {
    const r = await t.api.request('GET', '/v1/alerts/notices?status=lost');
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].field).toMatch(/status/);
  });
});
