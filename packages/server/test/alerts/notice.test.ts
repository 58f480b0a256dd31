import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../src/domain/jobEvents.js';
import {
  jobLink,
  jobLinkBase,
  outcomeNotice,
  type Notice,
  renderDiscordContent,
  renderEmail,
  renderSlackText,
  renderTelegramText,
  renderWebhookEnvelope,
  testNotice,
} from '../../src/alerts/notice.js';

const executedAt = Date.UTC(2026, 10, 24, 8, 30, 0);
const failed: Notice = {
  id: 'ntc_1',
  event: 'job.failed',
  createdAt: executedAt + 50,
  projectId: 'prj_1',
  job: { id: 'job_1', name: 'Nightly <billing> & "sync"' },
  execution: { id: 'exe_1', status: 'failed', statusCode: 503, error: 'HTTP 503', responseExcerpt: '<script>alert(1)</script> @everyone <!channel>', durationMs: 120, executedAt },
  consecutiveFailures: 3,
  jobUrl: 'https://kairos.example.com/jobs/job_1',
};

describe('notice renderers', () => {
  it('the email says which job, what happened, when, how often and links to it, with every value HTML-escaped', () => {
    const mail = renderEmail(failed);
    expect(mail.subject).toBe('[Kairos] Job "Nightly <billing> & "sync"" failed 3 times in a row');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<billing>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('Nightly &lt;billing&gt; &amp; &quot;sync&quot;');
    expect(mail.html).toContain('HTTP 503');
    expect(mail.html).toContain('2026-11-24T08:30:00.000Z');
    expect(mail.html).toContain('<a href="https://kairos.example.com/jobs/job_1">');
    expect(mail.text).toContain('Consecutive failures: 3');
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('keeps a line break in a job name out of the subject', () => {
    expect(renderEmail({ ...failed, job: { id: 'job_1', name: 'a\r\nBcc: x@example.com' } }).subject).not.toMatch(/[\r\n]/);
  });

  it('Slack text escapes &, < and > so a response cannot mention @channel, and links the job', () => {
    const text = renderSlackText(failed);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('*Status:* failed (HTTP 503)');
    expect(text).toContain('<https://kairos.example.com/jobs/job_1|Open the job in Kairos>');
  });

  it('Discord content fits in 2 000 characters and Telegram text in 4 096', () => {
    const long = { ...failed, execution: { ...failed.execution!, error: 'e'.repeat(5_000), responseExcerpt: 'r'.repeat(5_000) } };
    expect(renderDiscordContent(long).length).toBeLessThanOrEqual(2_000);
    expect(renderTelegramText(long).length).toBeLessThanOrEqual(4_096);
    // The excerpt is cut at 500 characters.
    expect(renderTelegramText(long)).not.toContain('r'.repeat(501));
    expect(renderTelegramText(failed)).toContain('Consecutive failures: 3');
  });

  it('the webhook envelope has the event webhooks’ shape', () => {
    expect(renderWebhookEnvelope(failed)).toEqual({
      id: 'ntc_1',
      type: 'job.failed',
      createdAt: new Date(executedAt + 50).toISOString(),
      data: {
        jobId: 'job_1',
        jobName: 'Nightly <billing> & "sync"',
        executionId: 'exe_1',
        status: 'failed',
        statusCode: 503,
        durationMs: 120,
        error: 'HTTP 503',
        responseExcerpt: '<script>alert(1)</script> @everyone <!channel>',
        executedAt: '2026-11-24T08:30:00.000Z',
        consecutiveFailures: 3,
        jobUrl: 'https://kairos.example.com/jobs/job_1',
      },
    });
  });

  it('a test notice names no job and says it is a test', () => {
    const n = testNotice('ntc_2', 'prj_1', executedAt);
    expect(renderTelegramText(n)).toMatch(/^Test notice from Kairos/);
    expect(renderWebhookEnvelope(n)).toMatchObject({ type: 'test', data: { jobId: null, executionId: null } });
    expect(renderEmail(n).subject).toBe('[Kairos] Test notice from Kairos: this alert channel works');
  });

  it('links a job only when the public URL is known', () => {
    expect(jobLink(null, 'job_1')).toBeNull();
    expect(jobLink('https://k.example.com', 'job_1')).toBe('https://k.example.com/jobs/job_1');
  });

  // Issue 14, defect 6: with KAIROS_PUBLIC_URL set but no dashboard, `/jobs/<id>` is a 404.
  it('links a job only when the dashboard serves its page', () => {
    const attempt: AttemptRecord = {
      jobId: 'job_1',
      jobName: 'sync',
      runId: 'run_1',
      executionId: 'exe_1',
      deliveryId: 'dlv_1',
      attempt: 1,
      status: 'failed',
      statusCode: 500,
      error: 'HTTP 500',
      durationMs: 5,
      scheduledFor: executedAt,
      startedAt: executedAt,
      completedAt: executedAt + 5,
      request: { method: 'POST', url: 'https://example.com/', headers: {}, body: null },
      response: { headers: null, body: 'down' },
      nextAttemptAt: null,
    };
    const job = { id: 'job_1', name: 'sync', projectId: 'prj_1' };
    const served = outcomeNotice('ntc_1', 'job.failed', attempt, job, 1, executedAt, jobLinkBase('https://k.example.com', true));
    const notServed = outcomeNotice('ntc_1', 'job.failed', attempt, job, 1, executedAt, jobLinkBase('https://k.example.com', false));
    expect(served.jobUrl).toBe('https://k.example.com/jobs/job_1');
    expect(renderSlackText(served)).toContain('https://k.example.com/jobs/job_1');
    expect(notServed.jobUrl).toBeNull();
    for (const text of [renderSlackText(notServed), renderDiscordContent(notServed), renderTelegramText(notServed), renderEmail(notServed).html]) expect(text).not.toContain('k.example.com');
    expect(renderWebhookEnvelope(notServed).data.jobUrl).toBeNull();
    expect(jobLinkBase(null, true)).toBeNull();
  });
});
