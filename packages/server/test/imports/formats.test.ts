import { describe, expect, it } from 'vitest';
import { compileJobDefinition } from '../../src/domain/jobDefinition.js';
import { parseCronjobOrg, cronjobOrgExpression } from '../../src/domain/imports/cronjobOrg.js';
import { parseCrontab } from '../../src/domain/imports/crontab.js';
import { commandCall, curlCall } from '../../src/domain/imports/curl.js';
import { easycronExpression, parseEasycron } from '../../src/domain/imports/easycron.js';
import { parseJustrun } from '../../src/domain/imports/justrun.js';
import { createInput } from '../../src/api/compat/justrun/translate.js';
import { fillInPlaceholder, parseKairosDocument } from '../../src/domain/imports/kairos.js';
import { shellTokens } from '../../src/domain/imports/shellWords.js';
import type { ImportedJob } from '../../src/domain/imports/types.js';
import { firstRunAt, type Schedule } from '../../src/domain/schedule.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const allow = () => null;

type JobEntry = Extract<ImportedJob, { kind: 'job' }>;
const jobs = (entries: ImportedJob[]) => entries.filter((e): e is JobEntry => e.kind === 'job');

/** The entry compiles as a job would at creation, and its schedule is what it was. */
function compiles(entry: JobEntry): Schedule {
  const r = compileJobDefinition(entry.input, NOW, allow);
  if (!r.ok) throw new Error(`does not compile: ${JSON.stringify(r.issues)}`);
  return r.value.schedule;
}

const words = (text: string) => shellTokens(text).map((t) => t.value);
const call = (command: string) => {
  const r = commandCall(command);
  if (!r.ok) throw new Error(r.reason);
  return r.call;
};

describe('shell words', () => {
  it('reads single, double and $-quotes, escapes and line continuations as sh does', () => {
    expect(words(`curl -H 'X-A: it''s' "a \\"b\\" \\$c" $'line\\none' plain\\ word \\\n  --next`)).toEqual(['curl', '-H', 'X-A: its', 'a "b" $c', 'line\none', 'plain word', '--next']);
  });

  it('splits operators and redirections from words, and drops a trailing comment', () => {
    expect(shellTokens('curl -s a >/dev/null 2>&1 && echo ok # done')).toEqual([
      { kind: 'word', value: 'curl' },
      { kind: 'word', value: '-s' },
      { kind: 'word', value: 'a' },
      { kind: 'operator', value: '>' },
      { kind: 'word', value: '/dev/null' },
      { kind: 'operator', value: '2>&1' },
      { kind: 'operator', value: '&&' },
      { kind: 'word', value: 'echo' },
      { kind: 'word', value: 'ok' },
    ]);
  });

  it('expands known variables outside single quotes and refuses unknown ones and substitutions', () => {
    const env = new Map([['TOKEN', 's3cret']]);
    expect(shellTokens(`a "Bearer $TOKEN" '$TOKEN' \${TOKEN}x`, (n) => env.get(n)).map((t) => t.value)).toEqual(['a', 'Bearer s3cret', '$TOKEN', 's3cretx']);
    expect(() => shellTokens('curl $NOPE')).toThrow(/\$NOPE/);
    expect(() => shellTokens('curl $(cat url)')).toThrow(/command substitution/);
    expect(() => shellTokens('curl "unterminated')).toThrow(/unterminated/);
  });
});

describe('curl and wget commands', () => {
  it('reads a browser "copy as cURL" command with continuations, headers and --data-raw', () => {
    const c = call(`curl 'https://api.example.com/v1/reports?x=1' \\
  -H 'accept: application/json' \\
  -H $'authorization: Bearer abc\\'def' \\
  --data-raw '{"format":"pdf"}' \\
  --compressed`);
    expect(c).toEqual({
      url: 'https://api.example.com/v1/reports?x=1',
      method: 'POST',
      headers: { accept: 'application/json', authorization: "Bearer abc'def", 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '{"format":"pdf"}',
    });
  });

  it('takes -X, bundled short options, -u, --max-time, --url, -A, -L and --retry', () => {
    const c = call('curl -fsSL -XPUT -u admin:pw --max-time 12.5 -A kairos-test --retry 4 --url https://example.com/x -d a=1 -d b=2');
    expect(c).toEqual({
      url: 'https://example.com/x',
      method: 'PUT',
      headers: { 'User-Agent': 'kairos-test', Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2',
      timeoutMs: 12_500,
      followRedirects: true,
      retryPolicy: { maxRetries: 4 },
    });
  });

  it('sends --json as JSON and -G data in the query string', () => {
    expect(call(`curl --json '{"a":1}' https://e.example/j`)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    expect(call('curl -G -d q=kairos --data-urlencode "name=a b" https://e.example/s')).toEqual({ url: 'https://e.example/s?q=kairos&name=a%20b', method: 'GET', headers: {} });
  });

  it('refuses what cannot be reproduced, naming it', () => {
    expect(curlCall(['-F', 'file=@x.png', 'https://e.example'])).toEqual({ ok: false, reason: expect.stringMatching(/-F/) });
    expect(curlCall(['-d', '@body.json', 'https://e.example'])).toEqual({ ok: false, reason: expect.stringMatching(/reads a file/) });
    expect(curlCall(['--frobnicate', 'https://e.example'])).toEqual({ ok: false, reason: 'curl option --frobnicate is not supported' });
    expect(curlCall(['-s'])).toEqual({ ok: false, reason: 'calls no URL' });
    expect(commandCall('curl https://a.example | sh')).toEqual({ ok: false, reason: 'runs sh besides the HTTP call' });
  });

  it('moves credentials in the URL into a Basic Authorization header, as curl and wget send them', () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
    expect(call('curl https://ops:p%40ss@e.example:8443/hook?x=1')).toEqual({ url: 'https://e.example:8443/hook?x=1', method: 'GET', headers: { Authorization: basic('ops:p@ss') } });
    expect(call('curl -u other:pw https://ops:secret@e.example/')).toMatchObject({ url: 'https://e.example/', headers: { Authorization: basic('other:pw') } });
    expect(call('wget -qO- https://ops:secret@e.example/w')).toEqual({ url: 'https://e.example/w', method: 'GET', headers: { Authorization: basic('ops:secret') } });
    expect(call('curl https://e.example/a@b')).toEqual({ url: 'https://e.example/a@b', method: 'GET', headers: {} });
  });

  it('never quotes a secret in a reason: a misplaced word by its first characters, a URL without its credentials', () => {
    const reason = (command: string) => {
      const r = commandCall(command);
      if (r.ok) throw new Error('imported');
      return r.reason;
    };
    expect(reason('curl -H Authorization: Bearer tok_live_123456 https://e.example/')).toBe('gives two URLs ("Bearer" and "tok…"); one job calls one URL');
    expect(reason("curl -H 'Bearer tok_live_123456' https://e.example/")).toBe('header "Bea…" is not "Name: value"');
    expect(reason('curl https://u:pw_secret@e.example/a https://e.example/b')).toBe('gives two URLs ("https://…@e.example/a" and "https://e.example/b"); one job calls one URL');
    const [easy] = parseEasycron([{ cron_job_id: '1', url: 'https://e.example/', cron_expression: '* * * * * *', http_headers: 'X-Ok: 1\nsk_live_secret_value' }]);
    expect(easy).toMatchObject({ kind: 'error', reason: 'http_headers: header line 2 is not "Name: value"' });
  });

  it('sends --oauth2-bearer as a Bearer Authorization header', () => {
    expect(call('curl --oauth2-bearer tok_9 https://e.example/o')).toEqual({ url: 'https://e.example/o', method: 'GET', headers: { Authorization: 'Bearer tok_9' } });
  });

  it('reads wget with --method, --header, --post-data and --timeout', () => {
    expect(call(`wget -q -O - --header='X-Key: k1' --post-data 'a=1' --timeout=20 https://e.example/hook`)).toEqual({
      url: 'https://e.example/hook',
      method: 'POST',
      headers: { 'X-Key': 'k1', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
      timeoutMs: 20_000,
    });
    expect(call('/usr/bin/wget -qO- --method=DELETE https://e.example/old')).toEqual({ url: 'https://e.example/old', method: 'DELETE', headers: {} });
    // The crontab idiom: output to stdout written against the option, a timeout the same way.
    expect(call('wget -q -O- -T5 https://e.example/ping')).toEqual({ url: 'https://e.example/ping', method: 'GET', headers: {}, timeoutMs: 5_000 });
  });
});

describe('crontab', () => {
  const crontab = `# m h  dom mon dow   command
SHELL=/bin/bash
MAILTO=ops@example.com
API_TOKEN="tok_123"

# Nightly report
30 2 * * * curl -fsS -X POST -H "Authorization: Bearer $API_TOKEN" https://api.example.com/reports >/dev/null 2>&1
*/15 * * * * /usr/bin/php /var/www/artisan schedule:run
@reboot curl https://api.example.com/booted
CRON_TZ=Europe/Berlin
@daily wget -q -O /dev/null https://api.example.com/daily
0 8 * * 1-5 curl https://api.example.com/ping && curl https://api.example.com/pong
0 9 1 * * curl -s "https://api.example.com/monthly?date=$(date +\\%F)"
0 18 * * * curl https://api.example.com/ping
0 19 * * * curl https://api.example.com/ping
this is not cron
`;
  const entries = parseCrontab(crontab);

  it('makes a job of each curl or wget entry, with its schedule, time zone, variables and comment name', () => {
    const made = jobs(entries);
    expect(made.map((j) => j.input.name)).toEqual(['Nightly report', 'GET api.example.com/daily', 'GET api.example.com/ping', 'GET api.example.com/ping']);
    expect(made[0]!.input).toMatchObject({
      url: 'https://api.example.com/reports',
      method: 'POST',
      headers: { Authorization: 'Bearer tok_123' },
      schedule: { type: 'cron', expression: '30 2 * * *' },
    });
    expect(made[1]!.input.schedule).toEqual({ type: 'cron', expression: '@daily', timezone: 'Europe/Berlin' });
    for (const j of made) compiles(j);
    expect(firstRunAt(compiles(made[0]!), NOW)).toBe(Date.parse('2026-12-05T02:30:00Z'));
    expect(firstRunAt(compiles(made[1]!), NOW)).toBe(Date.parse('2026-12-04T23:00:00Z'));
  });

  it('tells apart the same call on several lines, so a re-import updates each', () => {
    expect(jobs(entries).slice(2).map((j) => j.originalId)).toEqual(['GET https://api.example.com/ping', 'GET https://api.example.com/ping #2']);
  });

  it('skips entries that are not HTTP calls and reports those it cannot take, each with its line', () => {
    const left = entries.filter((e) => e.kind !== 'job').map((e) => `${e.kind}: ${(e as { reason: string }).reason}`);
    expect(left).toEqual([
      'skipped: line 8: not an HTTP call (runs php)',
      'skipped: line 9: @reboot runs when a machine starts, which a scheduler has no equivalent for',
      'error: line 12: makes several HTTP calls; a job makes one',
      'error: line 13: command substitution $(…) cannot be imported',
      'error: line 16: not an entry (five schedule fields and a command), an environment line or a comment',
    ]);
  });
});

describe('system crontab (/etc/crontab, /etc/cron.d)', () => {
  const entries = parseCrontab(`SHELL=/bin/sh
# m h dom mon dow user  command
17 *  * * * root    cd / && run-parts --report /etc/cron.hourly
*/10 * * * * www-data curl -fsS https://api.example.com/queue >/dev/null
0 4 * * * backup  /usr/bin/wget -q --post-data 'x=1' https://api.example.com/backup
5 4 * * * root    curl https://api.example.com/a && curl https://api.example.com/b
6 4 * * * php /srv/warm.php && curl https://api.example.com/c
`);

  it('reads the user column before a curl or wget call, and still skips the other commands', () => {
    expect(jobs(entries).map((j) => [j.input.method, j.input.url])).toEqual([
      ['GET', 'https://api.example.com/queue'],
      ['POST', 'https://api.example.com/backup'],
    ]);
    expect(entries.filter((e) => e.kind !== 'job').map((e) => `${e.kind}: ${(e as { reason: string }).reason}`)).toEqual([
      'skipped: line 3: not an HTTP call (runs root)',
      'error: line 6: makes several HTTP calls; a job makes one',
      'error: line 7: runs php besides the HTTP call',
    ]);
  });
});

describe('cron-job.org', () => {
  // As GET /jobs/<jobId> answers in https://docs.cron-job.org/rest-api.html, and a second job.
  const details = [
    {
      jobDetails: {
        jobId: 12345,
        enabled: true,
        title: 'Example Job',
        saveResponses: false,
        url: 'https://example.com/',
        lastStatus: 0,
        lastDuration: 0,
        lastExecution: 0,
        nextExecution: 1640189160,
        auth: { enable: false, user: '', password: '' },
        notification: { onFailure: false, onSuccess: false, onDisable: false },
        extendedData: { headers: { 'X-Foo': 'Bar' }, body: 'Hello World!' },
        type: 0,
        requestTimeout: 300,
        schedule: { timezone: 'Europe/Berlin', hours: [-1], mdays: [-1], minutes: [0, 15, 30, 45], months: [-1], wdays: [-1] },
        requestMethod: 0,
      },
    },
    {
      jobDetails: {
        jobId: 777,
        enabled: false,
        title: 'Invoices',
        saveResponses: true,
        url: 'https://billing.example.com/run',
        auth: { enable: true, user: 'bill', password: 'pw' },
        extendedData: { headers: {}, body: '{"all":true}' },
        requestTimeout: 30,
        schedule: { timezone: 'America/New_York', expiresAt: 0, hours: [9], mdays: [1, 15], minutes: [0], months: [-1], wdays: [1] },
        requestMethod: 1,
      },
    },
    { jobDetails: { jobId: 9, title: 'Old', url: 'https://e.example', schedule: { timezone: 'UTC', expiresAt: 20240101000000, hours: [-1], mdays: [-1], minutes: [0], months: [-1], wdays: [-1] }, requestMethod: 0 } },
    { jobDetails: { jobId: 10, title: 'Trace', url: 'https://e.example', schedule: { timezone: 'UTC', hours: [-1], mdays: [-1], minutes: [0], months: [-1], wdays: [-1] }, requestMethod: 6 } },
  ];

  it('translates schedules, methods, headers, body, basic auth, timeout and enabled', () => {
    const [a, b, c, d] = parseCronjobOrg(details, NOW);
    expect(a).toMatchObject({
      kind: 'job',
      originalId: '12345',
      status: 'active',
      input: { name: 'Example Job', url: 'https://example.com/', method: 'GET', headers: { 'X-Foo': 'Bar' }, schedule: { type: 'cron', expression: '0,15,30,45 * * * *', timezone: 'Europe/Berlin' }, timeoutMs: 300_000, storeResponseBody: false },
    });
    expect((a as JobEntry).input.body).toBeUndefined();
    expect(b).toMatchObject({
      originalId: '777',
      status: 'paused',
      input: { method: 'POST', body: '{"all":true}', headers: { Authorization: `Basic ${Buffer.from('bill:pw').toString('base64')}` }, timeoutMs: 30_000, schedule: { expression: '0 9 1,15 * +1' } },
    });
    expect(c).toEqual({ kind: 'skipped', originalId: '9', originalName: 'Old', reason: 'expired at 2024-01-01T00:00:00.000Z' });
    expect(d).toMatchObject({ kind: 'error', reason: 'TRACE requests are not supported' });
  });

  it('runs a job restricted by day of month and weekday only when both match, as cron-job.org does', () => {
    const b = parseCronjobOrg(details, NOW)[1] as JobEntry;
    const schedule = compiles(b);
    // The next Monday that is the 1st or 15th, at 09:00 in New York: 2027-02-01 and 2027-03-01 are Mondays.
    expect(new Date(firstRunAt(schedule, NOW)!).toISOString()).toBe('2027-02-01T14:00:00.000Z');
  });

  it('takes the GET /jobs list too, and refuses a source of another shape whole', () => {
    expect(parseCronjobOrg({ jobs: [details[0]!.jobDetails], someFailed: false }, NOW)).toHaveLength(1);
    expect(() => parseCronjobOrg({ nope: 1 }, NOW)).toThrow(/cron-job.org jobs/);
    expect(cronjobOrgExpression({ minutes: [75] })).toEqual({ reason: 'schedule.minutes holds 75, outside 0–59' });
  });
});

describe('EasyCron', () => {
  // As /rest/list answers in https://www.easycron.com/document/list, plus what its add method takes.
  const list = {
    status: 'success',
    cron_jobs: [
      {
        cron_job_id: '2107',
        cron_job_name: 'Read feeds',
        description: 'Triggers the script to read feeds.',
        user_id: '1',
        url: 'http://www.domain.com/readfeeds',
        auth_user: 'user123',
        auth_pw: 'pw123',
        cron_expression: '15 1 * * * *',
        email_me: '1',
        group_id: '74',
        http_method: 'POST',
        http_headers: 'X-Api-Key: abc\r\nAccept: text/plain',
        http_message_body: 'param1=val1&param2=val2',
        custom_timeout: '30',
        timezone_from: '2',
        timezone: 'Asia/Tokyo',
        status: '0',
        created: '2012-03-19 17:04:18',
        updated: '2012-08-11 14:25:23',
      },
      { cron_job_id: '1807', cron_job_name: 'Backup database', url: 'http://example.com/cron/backupdatabase', cron_expression: '55 23 * * * *', http_method: 'GET', http_headers: '', http_message_body: '', custom_timeout: '0', status: '1', timezone_from: '1' },
      { cron_job_id: '7', cron_job_name: 'Legacy Cron #7', url: 'http://example.com/x', cron_expression: '@reboot', status: '1' },
      { cron_job_id: '8', cron_job_name: 'Year', url: 'http://example.com/y', cron_expression: '0 0 1 1 * 2030', status: '1' },
    ],
  };

  it('translates the six-field expression, headers, body, auth, timeout, zone and status', () => {
    const [a, b, c, d] = parseEasycron(list);
    expect(a).toMatchObject({
      kind: 'job',
      originalId: '2107',
      status: 'paused',
      input: {
        name: 'Read feeds',
        description: 'Triggers the script to read feeds.',
        method: 'POST',
        headers: { 'X-Api-Key': 'abc', Accept: 'text/plain', Authorization: `Basic ${Buffer.from('user123:pw123').toString('base64')}` },
        body: 'param1=val1&param2=val2',
        timeoutMs: 30_000,
        schedule: { type: 'cron', expression: '15 1 * * *', timezone: 'Asia/Tokyo' },
      },
    });
    expect(b).toMatchObject({ status: 'active', input: { schedule: { type: 'cron', expression: '55 23 * * *' } } });
    expect((b as JobEntry).input.schedule).not.toHaveProperty('timezone');
    expect((b as JobEntry).input).not.toHaveProperty('timeoutMs');
    expect(c).toEqual({ kind: 'error', originalId: '7', originalName: 'Legacy Cron #7', reason: 'Unsupported cron expression: @reboot' });
    expect(d).toMatchObject({ kind: 'error', reason: expect.stringMatching(/year field/) });
    compiles(a as JobEntry);
    compiles(b as JobEntry);
  });

  it('knows the nicknames and refuses malformed expressions', () => {
    expect(easycronExpression('@hourly')).toEqual({ expression: '@hourly' });
    expect(easycronExpression('* *')).toEqual({ reason: 'Unsupported cron expression: * *' });
  });
});

describe('JustRun', () => {
  // The body of /v1/migrate/json in JustRun's document.
  const body = {
    space_id: 'sp_xyz789',
    jobs: [
      { name: 'Health Check', cron_expression: '*/5 * * * *', url: 'https://api.example.com/health', method: 'GET', timeout_sec: 10 },
      {
        name: 'Sync Inventory',
        cron_expression: '0 */2 * * *',
        url: 'https://api.example.com/inventory/sync',
        method: 'POST',
        timezone: 'America/New_York',
        timeout_sec: 120,
        retry_policy: 'exponential',
        retry_max: 3,
        retry_delay_sec: 30,
        headers: { 'X-API-Key': 'inv_key_abc123', 'X-Correlation-ID': 'jr-{{execution_id}}' },
        body: '{"full_sync": true}',
        tags: ['inventory', 'critical'],
      },
      { name: 'No URL', cron_expression: '* * * * *' },
    ],
  };

  it('keeps its defaults and maps retries, headers and templates', () => {
    const [a, b, c] = parseJustrun(body);
    expect(a).toMatchObject({ originalId: 'name:Health Check', input: { method: 'GET', timeoutMs: 10_000, retryPolicy: { strategy: 'none', maxRetries: 0 }, storeResponseBody: false } });
    expect(b).toMatchObject({
      input: {
        schedule: { type: 'cron', expression: '0 */2 * * *', timezone: 'America/New_York' },
        retryPolicy: { strategy: 'exponential', maxRetries: 3, initialDelayMs: 30_000, multiplier: 2 },
        headers: { 'X-API-Key': 'inv_key_abc123', 'X-Correlation-ID': 'jr-{{run.id}}' },
        body: '{"full_sync": true}',
        tags: ['inventory', 'critical'],
      },
    });
    expect(c).toEqual({ kind: 'error', originalId: 'name:No URL', originalName: 'No URL', reason: 'has no url' });
    compiles(a as JobEntry);
    compiles(b as JobEntry);
  });

  it("makes of each job what JustRun's create endpoint makes of the same fields", () => {
    const jobs = [...body.jobs.slice(0, 2), { name: 'Fixed', cron_expression: '0 1 * * *', url: 'https://api.example.com/f', retry_policy: 'fixed', retry_max: 2, body: 'id={{execution_id}}', store_response_body: true }];
    for (const job of jobs) {
      const [entry] = parseJustrun([job]);
      const { name: _n, ...imported } = (entry as JobEntry).input;
      const { name: _c, ...created } = createInput(job as Parameters<typeof createInput>[0]);
      expect(imported).toEqual(created);
    }
  });
});

describe('Kairos export documents', () => {
  const doc = (secrets: 'included' | 'masked', jobs: unknown[]) => ({ kairos: 'export', version: 1, secrets, project: { id: 'prj_1', name: 'x' }, jobs });

  it('reads jobs with their next run and state, and leaves finished ones out', () => {
    const parsed = parseKairosDocument(
      doc('included', [
        { id: 'job_a', status: 'active', name: 'a', url: 'https://e.example', method: 'GET', schedule: { type: 'interval', every: 60_000, timezone: 'UTC' }, nextRunAt: '2026-12-04T12:00:30.000Z', state: { cursor: 7 }, spaceId: 'sp_1' },
        { id: 'job_b', status: 'completed', name: 'b', url: 'https://e.example', schedule: { type: 'once', at: '2026-01-01T00:00:00Z' } },
      ]),
    );
    expect(parsed.jobs[0]).toMatchObject({ kind: 'job', originalId: 'job_a', status: 'active', nextRunAt: Date.parse('2026-12-04T12:00:30Z'), state: '{"cursor":7}', originalSpaceId: 'sp_1' });
    expect(parsed.jobs[1]).toEqual({ kind: 'skipped', originalId: 'job_b', originalName: 'b', reason: 'is completed; only active and paused jobs are imported' });
  });

  it('turns masked credential headers into placeholders on a paused job, and a masked destination into an error', () => {
    const parsed = parseKairosDocument(
      doc('masked', [
        { id: 'job_a', status: 'active', url: 'https://e.example', headers: { Authorization: 'Bear…1234', 'X-Trace': 'on' }, schedule: { type: 'cron', expression: '* * * * *', timezone: 'UTC' } },
        { id: 'job_b', status: 'active', destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/…abcd' }, payload: { text: 'x' }, schedule: { type: 'cron', expression: '* * * * *', timezone: 'UTC' } },
      ]),
    );
    expect(parsed.jobs[0]).toMatchObject({ status: 'paused', fillIn: ['headers.Authorization'], input: { headers: { Authorization: fillInPlaceholder, 'X-Trace': 'on' } } });
    expect(parsed.jobs[1]).toMatchObject({ kind: 'error', reason: 'to fill in: destination.webhookUrl (exported without secrets)' });
  });

  it("keeps a job paused by its space as its space's, unless it waits for a secret to be filled in", () => {
    const job = (id: string, fields: Record<string, unknown>) => ({ id, status: 'paused', url: 'https://e.example', schedule: { type: 'cron', expression: '* * * * *', timezone: 'UTC' }, spaceId: 'sp_1', ...fields });
    const parsed = parseKairosDocument(
      doc('masked', [job('job_space', { pausedBy: 'space' }), job('job_user', { pausedBy: 'user' }), job('job_older', {}), job('job_secret', { pausedBy: 'space', headers: { Authorization: 'Bear…1234' } }), job('job_active', { status: 'active', pausedBy: 'space' })]),
    );
    expect(parsed.jobs.map((j) => [j.originalId, j.kind === 'job' ? (j.pausedBy ?? null) : j.kind])).toEqual([
      ['job_space', 'space'],
      ['job_user', null],
      ['job_older', null],
      ['job_secret', null],
      ['job_active', null],
    ]);
  });

  it('refuses another document or a newer version whole', () => {
    expect(() => parseKairosDocument({ jobs: [] })).toThrow(/Kairos export document/);
    expect(() => parseKairosDocument({ kairos: 'export', version: 2 })).toThrow(/version 2/);
  });

  it('reads a signing secret whose instants are not ones as made now and never expiring', () => {
    const doc = parseKairosDocument({ kairos: 'export', version: 1, secrets: 'included', signingSecrets: [{ secret: 'whsec_abc', createdAt: 'yesterday', expiresAt: 'soon' }], jobs: [] });
    expect(doc.signingSecrets).toEqual([{ secret: 'whsec_abc', createdAt: expect.any(Number), expiresAt: null }]);
    expect(Number.isFinite(doc.signingSecrets[0]!.createdAt)).toBe(true);
  });

  it('says which entries besides jobs it cannot read, instead of dropping them', () => {
    const doc = parseKairosDocument({ kairos: 'export', version: 1, secrets: 'included', spaces: [{ id: 'sp_1', name: 'ok' }, { id: 'sp_2' }], alertChannels: [1], alertRules: [null], inboundWebhooks: [{ id: 'wh_1' }], signingSecrets: ['x'], jobs: [] });
    expect(doc.spaces).toHaveLength(1);
    expect(doc.unreadable).toEqual([
      { what: 'space', reason: 'source.spaces[1]: must be a space with an id and a name' },
      { what: 'alertChannel', reason: 'source.alertChannels[0]: must be an alert channel with an id' },
      { what: 'alertRule', reason: 'source.alertRules[0]: must be an alert rule with an id' },
      { what: 'inboundWebhook', reason: 'source.inboundWebhooks[0]: must be an inbound webhook with an id and a targetUrl' },
      { what: 'signingSecret', reason: 'source.signingSecrets[0]: must be a signing secret (whsec_…)' },
    ]);
  });
});
