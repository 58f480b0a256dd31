import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import { useDestinationSinks } from '../support/destinationSinks.js';
import { eventually, executionsOf, useTestServer } from '../support/server.js';

const botToken = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';
const once = { type: 'once', delay: 50 };

describe.each(databaseKinds)('built-in destinations on %s', (kind) => {
  const sinks = useDestinationSinks();
  const t = useTestServer(kind, { config: () => sinks.config });

  it('posts payload.text to a Slack webhook and never shows the webhook URL in full', async () => {
    const webhookUrl = `${sinks.hooks.url}/services/T000/B000/slacksecret0001`;
    const job = await t.api.createJob({ destination: { type: 'slack', webhookUrl }, payload: { text: 'Daily digest ready', other: 1 }, schedule: once });
    expect(job.url).toBeNull();
    expect(job.destination).toEqual({ type: 'slack', webhookUrl: `${sinks.hooks.url}/…0001` });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'success', statusCode: 200 });
    const arrival = sinks.hooks.arrivals.find((a) => a.path === '/services/T000/B000/slacksecret0001')!;
    expect(arrival.method).toBe('POST');
    expect(arrival.headers['content-type']).toBe('application/json');
    expect(JSON.parse(arrival.body)).toEqual({ text: 'Daily digest ready' });
    expect(e.request).toMatchObject({ method: 'POST', url: `${sinks.hooks.url}/…0001`, body: '{"text":"Daily digest ready"}' });
    const shown = JSON.stringify([(await t.api.request('GET', `/v1/jobs/${job.id}`)).body, (await t.api.request('GET', '/v1/jobs')).body, (await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).body]);
    expect(shown).not.toContain('slacksecret');
  });

  it('posts payload.content, or payload.text, to a Discord webhook', async () => {
    const a = await t.api.createJob({ destination: { type: 'discord', webhookUrl: `${sinks.hooks.url}/api/webhooks/1/discord-a` }, payload: { content: 'Build complete' }, schedule: once });
    const b = await t.api.createJob({ destination: { type: 'discord', webhookUrl: `${sinks.hooks.url}/api/webhooks/1/discord-b` }, payload: { text: 'From text' }, schedule: once });
    await executionsOf(t.api, a.id, 1);
    await executionsOf(t.api, b.id, 1);
    expect(JSON.parse(sinks.hooks.arrivals.find((x) => x.path.endsWith('/discord-a'))!.body)).toEqual({ content: 'Build complete' });
    expect(JSON.parse(sinks.hooks.arrivals.find((x) => x.path.endsWith('/discord-b'))!.body)).toEqual({ content: 'From text' });
  });

  it('calls the Telegram Bot API with chat_id and text, the bot token masked everywhere', async () => {
    const job = await t.api.createJob({ destination: { type: 'telegram', botToken, chatId: '-100123456' }, payload: { text: 'Daily summary' }, schedule: once });
    expect(job.destination).toEqual({ type: 'telegram', botToken: '1234…m9T0', chatId: '-100123456' });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'success', statusCode: 200 });
    const arrival = await sinks.telegram.waitFor(1).then((all) => all[0]!);
    expect(arrival.method).toBe('POST');
    expect(arrival.path).toBe(`/bot${botToken}/sendMessage`);
    expect(JSON.parse(arrival.body)).toEqual({ chat_id: '-100123456', text: 'Daily summary' });
    expect(e.request.url).toBe(`${sinks.telegram.url}/bot1234…m9T0/sendMessage`);
    const shown = JSON.stringify([(await t.api.request('GET', `/v1/jobs/${job.id}`)).body, (await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).body]);
    expect(shown).not.toContain(botToken.split(':')[1]);
  });

  it('sends an email over SMTP: from, to, subject and the html body', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: ['user@example.com', 'other@example.com'], subject: 'Your monthly report' }, payload: { html: '<p>Report ready.</p>' }, schedule: once });
    expect(job.destination).toEqual({ type: 'email', to: ['user@example.com', 'other@example.com'], subject: 'Your monthly report' });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'success', statusCode: 250, error: null });
    expect(e.request).toMatchObject({ method: 'EMAIL', url: 'mailto:user@example.com,other@example.com', body: '<p>Report ready.</p>' });
    const mail = sinks.smtp.messages.find((m) => m.raw.includes('Subject: Your monthly report'))!;
    expect(mail).toBeDefined();
    expect(mail.from).toBe('kairos@example.com');
    expect(mail.to).toEqual(['user@example.com', 'other@example.com']);
    expect(mail.user).toBe('kairos');
    expect(mail.raw).toMatch(/^From: Kairos <kairos@example\.com>/m);
    expect(mail.raw).toMatch(/^To: user@example\.com, other@example\.com/m);
    expect(mail.raw).toContain('<p>Report ready.</p>');
    expect(mail.raw).toMatch(new RegExp(`^X-Kairos-Delivery-Id: ${e.deliveryId}`, 'mi'));
  });

  it('sends payload.text as a plain-text email', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: 'plain@example.com', subject: 'Plain' }, payload: { text: 'Just text.' }, schedule: once });
    await executionsOf(t.api, job.id, 1);
    const mail = sinks.smtp.messages.find((m) => m.to[0] === 'plain@example.com')!;
    expect(mail.raw).toMatch(/^Content-Type: text\/plain/m);
    expect(mail.raw).toContain('Just text.');
  });

  it('records a refused recipient as a failure with the SMTP reply, retried per policy', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: 'nobody@reject.example.com', subject: 'Refused' }, payload: { text: 'x' }, schedule: once, retryPolicy: { maxRetries: 1, strategy: 'fixed', initialDelayMs: 100 } });
    const executions = await executionsOf(t.api, job.id, 2);
    expect(executions.map((x) => [x.attempt, x.status, x.statusCode])).toEqual([
      [1, 'failed', 550],
      [2, 'dead_letter', 550],
    ]);
    expect(executions[0].error).toMatch(/^SMTP: .*no such mailbox/);
  });

  it('times out an SMTP server that does not answer within the job timeout', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: 'slow@example.com', subject: 'Slow' }, payload: { text: 'x' }, timeoutMs: 1_000, schedule: once, retryPolicy: { strategy: 'none' } });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'dead_letter', statusCode: null, error: 'timed out after 1000 ms' });
    expect(e.durationMs).toBeGreaterThanOrEqual(990);
    expect(e.durationMs).toBeLessThan(1_800);
  });

  it('retries a failing Slack webhook per the retry policy, then dead-letters the run', async () => {
    const job = await t.api.createJob({ destination: { type: 'slack', webhookUrl: `${sinks.hooks.url}/fail/T/B/x` }, payload: { text: 'x' }, schedule: once, retryPolicy: { maxRetries: 2, strategy: 'fixed', initialDelayMs: 150 } });
    const executions = await executionsOf(t.api, job.id, 3);
    expect(executions.map((x) => [x.attempt, x.status, x.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'dead_letter', 500],
    ]);
    const hits = sinks.hooks.arrivals.filter((a) => a.path === '/fail/T/B/x');
    expect(hits).toHaveLength(3);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(150);
    expect(new Set(hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
    await eventually(async () => ((await t.api.request('GET', `/v1/jobs/${job.id}`)).body.data.status === 'failed' ? true : undefined));
  });

  it('refuses a job without exactly one of url and destination, or missing what its type needs (422)', async () => {
    const fieldsOf = async (body: Record<string, unknown>) => {
      const r = await t.api.request('POST', '/v1/jobs', { schedule: once, ...body });
      expect(r.status).toBe(422);
      return (r.body.error.details as Array<{ field: string }>).map((d) => d.field);
    };
    const slack = { type: 'slack', webhookUrl: `${sinks.hooks.url}/x` };
    expect(await fieldsOf({ url: `${sinks.hooks.url}/x`, destination: slack, payload: { text: 'x' } })).toEqual(['destination']);
    expect(await fieldsOf({ payload: { text: 'x' } })).toEqual(['url']);
    expect(await fieldsOf({ destination: { type: 'slack' }, payload: { text: 'x' } })).toEqual(['destination.webhookUrl']);
    expect(await fieldsOf({ destination: slack })).toEqual(['payload.text']);
    expect(await fieldsOf({ destination: { type: 'telegram', botToken }, payload: { text: 'x' } })).toEqual(['destination.chatId']);
    expect(await fieldsOf({ destination: { type: 'email', subject: 'S' }, payload: { text: 'x' } })).toEqual(['destination.to']);
    expect(await fieldsOf({ destination: { type: 'email', to: 'a@example.com' }, payload: {} })).toEqual(['destination.subject', 'payload.text']);
    expect(await fieldsOf({ destination: { ...slack, webhookUrl: 'ftp://hooks.example/x' }, payload: { text: 'x' } })).toEqual(['destination.webhookUrl']);
    expect(await fieldsOf({ destination: slack, payload: { text: 'x' }, headers: { 'x-a': 'b' } })).toEqual(['headers']);
    expect(await fieldsOf({ destination: { type: 'sms' }, payload: { text: 'x' } })).toEqual(['destination.type']);
  });

  it('turns a URL job into a Slack one with PATCH, and keeps the full webhook through later changes', async () => {
    const job = await t.api.createJob({ url: `${sinks.hooks.url}/plain`, method: 'GET', headers: { 'x-a': 'b' }, schedule: { type: 'once', delay: 60_000 } });
    const webhookUrl = `${sinks.hooks.url}/services/patched/slacksecret0002`;
    const changed = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { destination: { type: 'slack', webhookUrl }, payload: { text: 'patched' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({ url: null, method: 'POST', headers: {}, destination: { type: 'slack', webhookUrl: `${sinks.hooks.url}/…0002` } });
    // A change that leaves the destination alone keeps the stored secret, not the masked view.
    const renamed = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { name: 'renamed', schedule: once });
    expect(renamed.status).toBe(200);
    await executionsOf(t.api, job.id, 1);
    expect(JSON.parse(sinks.hooks.arrivals.find((a) => a.path === '/services/patched/slacksecret0002')!.body)).toEqual({ text: 'patched' });
    const back = await t.api.request('PATCH', `/v1/jobs/${job.id}`, { url: `${sinks.hooks.url}/plain-again` });
    expect(back.body.data).toMatchObject({ url: `${sinks.hooks.url}/plain-again`, destination: null });
  });

  it('refuses a masked webhook URL given back', async () => {
    const r = await t.api.request('POST', '/v1/jobs', { schedule: once, destination: { type: 'slack', webhookUrl: `${sinks.hooks.url}/…0002` }, payload: { text: 'x' } });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0]).toMatchObject({ field: 'destination.webhookUrl', issue: expect.stringMatching(/masked/) });
  });
});

describe.each(databaseKinds)('email through Resend on %s', (kind) => {
  // The fixture's sink plays Resend's API.
  const t = useTestServer(kind, {
    respond: (a) =>
      a.body.includes('fail@') ? { status: 422, headers: { 'content-type': 'application/json' }, body: '{"name":"validation_error"}' } : { headers: { 'content-type': 'application/json' }, body: '{"id":"email_1"}' },
    config: (resend) => ({ resendApiKey: 're_test_key_0123456789', resendApiUrl: resend.url, emailFrom: 'reports@example.com' }),
  });

  it('posts the message to /emails with the API key as bearer, and records no key', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: 'user@example.com', subject: 'Your monthly report' }, payload: { html: '<p>Report ready.</p>' }, schedule: once });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'success', statusCode: 200, responseBody: '{"id":"email_1"}' });
    const [arrival] = await t.sink.waitFor(1);
    expect(arrival).toMatchObject({ method: 'POST', path: '/emails' });
    expect(arrival!.headers.authorization).toBe('Bearer re_test_key_0123456789');
    expect(arrival!.headers['idempotency-key']).toBe(e.deliveryId);
    expect(JSON.parse(arrival!.body)).toEqual({ from: 'reports@example.com', to: ['user@example.com'], subject: 'Your monthly report', html: '<p>Report ready.</p>' });
    expect(JSON.stringify(e)).not.toContain('re_test_key');
  });

  it('records a refusal from Resend as a failure', async () => {
    const job = await t.api.createJob({ destination: { type: 'email', to: 'fail@example.com', subject: 'S' }, payload: { text: 'x' }, schedule: once, retryPolicy: { strategy: 'none' } });
    const [e] = await executionsOf(t.api, job.id, 1);
    expect(e).toMatchObject({ status: 'dead_letter', statusCode: 422, error: 'HTTP 422' });
  });
});

describe('email destinations without email configured', () => {
  const t = useTestServer('sqlite');

  it('refuses them with a 422 that says what to set', async () => {
    const r = await t.api.request('POST', '/v1/jobs', { destination: { type: 'email', to: 'user@example.com', subject: 'S' }, payload: { text: 'x' }, schedule: once });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toEqual([{ field: 'destination', issue: expect.stringMatching(/KAIROS_SMTP_URL.*RESEND_API_KEY/) }]);
  });
});

describe('destination secrets in the logs', () => {
  const lines: string[] = [];
  // The fixture's sink plays Telegram's Bot API and a Slack webhook host, both down.
  const t = useTestServer('sqlite', {
    respond: () => ({ status: 500, body: 'down' }),
    config: (sink) => ({ allowTargets: '127.0.0.0/8', telegramApiUrl: sink.url }),
    start: { logger: pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) }) },
  });

  it('logs neither bot tokens nor webhook URLs, at trace level, through failures', async () => {
    const { api, sink } = t;
    const tg = await api.createJob({ destination: { type: 'telegram', botToken, chatId: 1 }, payload: { text: 'x' }, schedule: once, retryPolicy: { strategy: 'none' } });
    const slack = await api.createJob({ destination: { type: 'slack', webhookUrl: `${sink.url}/services/T/B/slacksecret0003` }, payload: { text: 'x' }, schedule: once, retryPolicy: { strategy: 'none' } });
    // Nothing listens here: a connection error, whose message must not carry the path either.
    const gone = await api.createJob({ destination: { type: 'slack', webhookUrl: 'http://127.0.0.1:1/services/T/B/slacksecret0004' }, payload: { text: 'x' }, schedule: once, retryPolicy: { strategy: 'none' } });
    await executionsOf(api, tg.id, 1);
    await executionsOf(api, slack.id, 1);
    await executionsOf(api, gone.id, 1);
    const log = lines.join('');
    expect(log).toContain('delivery failed');
    expect(log).not.toContain(botToken.split(':')[1]);
    expect(log).not.toContain('slacksecret');
  });
});
