import type { AttemptRecord } from '../domain/jobEvents.js';
export type NoticeEvent = 'job.failed' | 'job.recovered' | 'job.executed' | 'test';

/** One message about one outcome, rendered per channel type by the functions below. */
export interface Notice {
  /** Stable across retries; used as webhook-id. */
  id: string;
  event: NoticeEvent;
  /** Epoch ms. */
  createdAt: number;
  projectId: string;
  /** Null for a test notice. */
  job: { id: string; name: string | null } | null;
  /** `runId` is absent from notices written before it was recorded. */
  execution: { id: string; runId?: string; status: string; statusCode: number | null; error: string | null; responseExcerpt: string | null; durationMs: number; executedAt: number } | null;
  consecutiveFailures: number;
  /** Link to the job in the dashboard: `${KAIROS_PUBLIC_URL}/jobs/<id>`, or null without a public URL or a dashboard. */
  jobUrl: string | null;
}

/** The longest response excerpt a notice quotes. */
export const noticeExcerptLength = 500;

/**
 * Where notices link a job's page: KAIROS_PUBLIC_URL when the dashboard is served there (its
 * `/jobs/<id>` pages exist), otherwise nowhere, since a link would lead to a 404.
 */
export function jobLinkBase(publicUrl: string | null, dashboardServed: boolean): string | null {
  return dashboardServed ? publicUrl : null;
}

/** The dashboard's page of a job, or null when notices link nowhere (see {@link jobLinkBase}). */
export function jobLink(publicUrl: string | null, jobId: string): string | null {
  return publicUrl === null ? null : `${publicUrl}/jobs/${encodeURIComponent(jobId)}`;
}

/**
 * The notice of one recorded attempt: what alert channels render, and (as the webhook
 * envelope) what the project's event webhooks receive.
 */
export function outcomeNotice(id: string, event: Exclude<NoticeEvent, 'test'>, a: AttemptRecord, job: { id: string; name: string | null; projectId: string }, consecutiveFailures: number, now: number, publicUrl: string | null): Notice {
  const body = a.response.body;
  return {
    id,
    event,
    createdAt: now,
    projectId: job.projectId,
    job: { id: job.id, name: job.name },
    execution: {
      id: a.executionId,
      runId: a.runId,
      status: a.status,
      statusCode: a.statusCode,
      error: a.error,
      responseExcerpt: body === null ? null : body.slice(0, noticeExcerptLength),
      durationMs: a.durationMs,
      executedAt: a.startedAt,
    },
    consecutiveFailures,
    jobUrl: jobLink(publicUrl, job.id),
  };
}

/** What a channel's test send delivers: no job, no execution, clearly marked as a test. */
export function testNotice(id: string, projectId: string, now: number): Notice {
  return { id, event: 'test', createdAt: now, projectId, job: null, execution: null, consecutiveFailures: 0, jobUrl: null };
}

const iso = (ms: number) => new Date(ms).toISOString();

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function jobLabel(n: Notice): string {
  if (!n.job) return '';
  return n.job.name ? `"${n.job.name}" (${n.job.id})` : n.job.id;
}

/** One line saying what happened. */
export function noticeHeadline(n: Notice): string {
  const job = n.job?.name ? `"${n.job.name}"` : (n.job?.id ?? 'job');
  switch (n.event) {
    case 'job.failed':
      return n.consecutiveFailures > 1 ? `Job ${job} failed ${n.consecutiveFailures} times in a row` : `Job ${job} failed`;
    case 'job.recovered':
      return `Job ${job} recovered`;
    case 'job.executed':
      return `Job ${job} ran: ${n.execution?.status ?? 'done'}`;
    case 'test':
      return 'Test notice from Kairos: this alert channel works';
  }
}

/** The facts of a notice as label and value, in the order every renderer shows them. */
export function noticeFacts(n: Notice): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  if (n.job) facts.push(['Job', jobLabel(n)]);
  const e = n.execution;
  if (e) {
    facts.push(['Status', e.statusCode === null ? e.status : `${e.status} (HTTP ${e.statusCode})`]);
    if (e.error) facts.push(['Error', clip(e.error, noticeExcerptLength)]);
    facts.push(['Duration', `${e.durationMs} ms`]);
    facts.push(['When', iso(e.executedAt)]);
  } else {
    facts.push(['When', iso(n.createdAt)]);
  }
  if (n.event === 'job.failed' || n.event === 'job.recovered') facts.push(['Consecutive failures', String(n.consecutiveFailures)]);
  return facts;
}

const excerptOf = (n: Notice): string | null => (n.execution?.responseExcerpt ? clip(n.execution.responseExcerpt, noticeExcerptLength) : null);

/** Slack's mrkdwn: only &, < and > are special, and escaping them also defuses <!channel> in a response. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderSlackText(n: Notice): string {
  const lines = [`*${slackEscape(noticeHeadline(n))}*`];
  for (const [label, value] of noticeFacts(n)) lines.push(`*${label}:* ${slackEscape(value)}`);
  const excerpt = excerptOf(n);
  if (excerpt) lines.push(`*Response:*\n\`\`\`${slackEscape(excerpt.replace(/```/g, "'''"))}\`\`\``);
  if (n.jobUrl) lines.push(`<${n.jobUrl}|Open the job in Kairos>`);
  return lines.join('\n');
}

// Discord's markdown; the `allowed_mentions` of the request keeps @everyone in a response from pinging anyone.
const discordEscape = (s: string) => s.replace(/([\\*_~`|>[\]])/g, '\\$1');
const discordContentLength = 2_000;

export function renderDiscordContent(n: Notice): string {
  const lines = [`**${discordEscape(noticeHeadline(n))}**`];
  for (const [label, value] of noticeFacts(n)) lines.push(`**${label}:** ${discordEscape(value)}`);
  const excerpt = excerptOf(n);
  if (excerpt) lines.push(`**Response:**\n\`\`\`\n${excerpt.replace(/```/g, "'''")}\n\`\`\``);
  if (n.jobUrl) lines.push(`<${n.jobUrl}>`);
  return clip(lines.join('\n'), discordContentLength);
}

/** Plain text (no parse_mode), so nothing in a job name or a response needs escaping. */
const telegramTextLength = 4_096;

export function renderTelegramText(n: Notice): string {
  return clip(plainLines(n).join('\n'), telegramTextLength);
}

function plainLines(n: Notice): string[] {
  const lines = [noticeHeadline(n), ''];
  for (const [label, value] of noticeFacts(n)) lines.push(`${label}: ${value}`);
  const excerpt = excerptOf(n);
  if (excerpt) lines.push('', 'Response:', excerpt);
  if (n.jobUrl) lines.push('', n.jobUrl);
  return lines;
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(n: Notice): RenderedEmail {
  // A job name is the client's text: a line break in it must not start a new mail header.
  const subject = clip(`[Kairos] ${noticeHeadline(n)}`.replace(/[\r\n\0]+/g, ' '), 200);
  const rows = noticeFacts(n)
    .map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const excerpt = excerptOf(n);
  const html = [
    `<h2 style="margin:0 0 12px">${escapeHtml(noticeHeadline(n))}</h2>`,
    `<table style="border-collapse:collapse">${rows}</table>`,
    excerpt ? `<p><strong>Response:</strong></p><pre style="white-space:pre-wrap">${escapeHtml(excerpt)}</pre>` : '',
    n.jobUrl ? `<p><a href="${escapeHtml(n.jobUrl)}">Open the job in Kairos</a></p>` : '',
  ].join('');
  return { subject, text: plainLines(n).join('\n'), html };
}

/** What a `webhook` channel receives: the envelope of the project's event webhooks. */
export interface WebhookEnvelope {
  id: string;
  type: NoticeEvent;
  createdAt: string;
  data: {
    jobId: string | null;
    jobName: string | null;
    executionId: string | null;
    status: string | null;
    statusCode: number | null;
    durationMs: number | null;
    error: string | null;
    responseExcerpt: string | null;
    executedAt: string | null;
    consecutiveFailures: number;
    jobUrl: string | null;
  };
}

export function renderWebhookEnvelope(n: Notice): WebhookEnvelope {
  const e = n.execution;
  return {
    id: n.id,
    type: n.event,
    createdAt: iso(n.createdAt),
    data: {
      jobId: n.job?.id ?? null,
      jobName: n.job?.name ?? null,
      executionId: e?.id ?? null,
      status: e?.status ?? null,
      statusCode: e?.statusCode ?? null,
      durationMs: e?.durationMs ?? null,
      error: e?.error ?? null,
      responseExcerpt: excerptOf(n),
      executedAt: e ? iso(e.executedAt) : null,
      consecutiveFailures: n.consecutiveFailures,
      jobUrl: n.jobUrl,
    },
  };
}

/**
 * What a webhook channel in JustRun's format receives: its event envelope, in which an
 * execution is a whole run (its retries included), so `execution_id` names the run.
 */
export function renderJustRunEnvelope(n: Notice) {
  const e = n.execution;
  return {
    id: n.id,
    type: n.event,
    created_at: iso(n.createdAt),
    data: {
      job_id: n.job?.id ?? null,
      job_name: n.job?.name ?? null,
      execution_id: e ? (e.runId ?? e.id) : null,
      status_code: e?.statusCode ?? null,
      duration_ms: e?.durationMs ?? null,
      error: e?.error ?? null,
      executed_at: e ? iso(e.executedAt) : null,
    },
  };
}
