import type { FieldIssue, Result } from './errors.js';

/**
 * Built-in destinations: a job may name one instead of a URL. Slack, Discord and Telegram are
 * HTTP requests Kairos builds from the payload; email goes out over SMTP or Resend.
 */
export type Destination =
  | { type: 'slack'; webhookUrl: string }
  | { type: 'discord'; webhookUrl: string }
  | { type: 'telegram'; botToken: string; chatId: string | number }
  | { type: 'email'; to: string[]; subject: string };

export type DestinationType = Destination['type'];
export const destinationTypes = ['slack', 'discord', 'telegram', 'email'] as const satisfies readonly DestinationType[];

/** What the operator configured that destinations depend on. */
export interface DestinationSettings {
  /** Bot API base, e.g. https://api.telegram.org (KAIROS_TELEGRAM_API_URL). */
  telegramApiUrl: string;
  /** Why an email destination cannot be used, or null when SMTP or Resend is configured. */
  emailUnavailable: string | null;
}

export const emailNotConfigured = 'email is not configured on this server: set KAIROS_SMTP_URL (and KAIROS_EMAIL_FROM) or RESEND_API_KEY';

export const defaultDestinationSettings: DestinationSettings = {
  telegramApiUrl: 'https://api.telegram.org',
  emailUnavailable: emailNotConfigured,
};

const destinationLimits = { recipients: 50, subjectLength: 998, addressLength: 320, urlLength: 2_048 } as const;

// A practical check, not RFC 5322: one @, no spaces or line breaks, a dot in the domain.
const emailAddress = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const botToken = /^\d+:[A-Za-z0-9_-]+$/;
const chatId = /^(-?\d+|@[A-Za-z0-9_]{1,64})$/;

// The checks below are shared by job destinations and alert channels, which send to the same places.

export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= destinationLimits.addressLength && emailAddress.test(value);
}

/** What is wrong with a webhook URL (`what` names its owner, "a slack destination"), or null. */
export function webhookUrlIssue(url: unknown, what: string, checkUrl: (url: string) => string | null): string | null {
  if (typeof url !== 'string' || url === '') return `is required for ${what}`;
  if (url.length > destinationLimits.urlLength) return `must be at most ${destinationLimits.urlLength} characters`;
  // A URL read back from the API comes masked; saving it would break the hook for good.
  if (url.includes('…')) return 'is masked; give the full webhook URL';
  return checkUrl(url);
}

export function botTokenIssue(value: unknown, what: string): string | null {
  if (typeof value !== 'string' || value === '') return `is required for ${what}`;
  if (value.includes('…')) return 'is masked; give the full bot token';
  return botToken.test(value) ? null : 'must be a Telegram bot token such as 123456:ABC-DEF…';
}

export function chatIdIssue(value: unknown, what: string): string | null {
  if (value === undefined || value === null || value === '') return `is required for ${what}`;
  const valid = typeof value === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && chatId.test(value);
  return valid ? null : 'must be a chat id (an integer such as -100123456) or @channelname';
}

/**
 * Validates a destination and the payload it is sent with (a JSON value as the client gave it).
 * `checkUrl` is the target policy's static check; webhook URLs and the Telegram API go through it.
 */
export function compileDestination(
  input: unknown,
  payload: unknown,
  checkUrl: (url: string) => string | null,
  settings: DestinationSettings,
): Result<Destination> {
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, issues: [{ field: 'destination', issue: 'must be an object' }] };
  const d = input as Record<string, unknown>;
  const p = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  const text = (name: string) => typeof p[name] === 'string' && (p[name] as string).length > 0;
  const allowed: Record<DestinationType, string[]> = {
    slack: ['type', 'webhookUrl'],
    discord: ['type', 'webhookUrl'],
    telegram: ['type', 'botToken', 'chatId'],
    email: ['type', 'to', 'subject'],
  };
  const type = d.type;
  if (typeof type !== 'string' || !(destinationTypes as readonly string[]).includes(type)) {
    return { ok: false, issues: [{ field: 'destination.type', issue: `must be one of ${destinationTypes.join(', ')}` }] };
  }
  const kind = type as DestinationType;
  for (const key of Object.keys(d)) if (!allowed[kind].includes(key)) add(`destination.${key}`, `is not a field of a ${kind} destination`);

  const webhook = (): string => {
    const url = d.webhookUrl;
    const issue = webhookUrlIssue(url, `a ${kind} destination`, checkUrl);
    if (issue) add('destination.webhookUrl', issue);
    return url as string;
  };

  let value: Destination | undefined;
  switch (kind) {
    case 'slack':
      value = { type: 'slack', webhookUrl: webhook() };
      if (!text('text')) add('payload.text', 'is required for a slack destination (the message text)');
      break;
    case 'discord':
      value = { type: 'discord', webhookUrl: webhook() };
      if (!text('content') && !text('text')) add('payload.text', 'is required for a discord destination (or payload.content)');
      break;
    case 'telegram': {
      const tokenIssue = botTokenIssue(d.botToken, 'a telegram destination');
      if (tokenIssue) add('destination.botToken', tokenIssue);
      const chat = d.chatId;
      const chatIssue = chatIdIssue(chat, 'a telegram destination');
      if (chatIssue) add('destination.chatId', chatIssue);
      const refused = checkUrl(settings.telegramApiUrl);
      if (refused) add('destination', `the Telegram API URL (KAIROS_TELEGRAM_API_URL) is refused: ${refused}`);
      if (!text('text')) add('payload.text', 'is required for a telegram destination (the message text)');
      value = { type: 'telegram', botToken: d.botToken as string, chatId: chat as string | number };
      break;
    }
    case 'email': {
      const raw = d.to;
      const to = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
      if (raw === undefined || to.length === 0) add('destination.to', 'is required for an email destination (an address or an array of them)');
      else if (to.length > destinationLimits.recipients) add('destination.to', `at most ${destinationLimits.recipients} recipients`);
      else {
        to.forEach((address, i) => {
          const field = typeof raw === 'string' ? 'destination.to' : `destination.to[${i}]`;
          if (!isEmailAddress(address)) add(field, 'must be an email address');
        });
      }
      const subject = d.subject;
      if (typeof subject !== 'string' || subject === '') add('destination.subject', 'is required for an email destination');
      else if (subject.length > destinationLimits.subjectLength) add('destination.subject', `must be at most ${destinationLimits.subjectLength} characters`);
      else if (/[\r\n\0]/.test(subject)) add('destination.subject', 'must not contain line breaks');
      if (!text('html') && !text('text')) add('payload.text', 'is required for an email destination (or payload.html)');
      if (settings.emailUnavailable) add('destination', settings.emailUnavailable);
      value = { type: 'email', to: to as string[], subject: subject as string };
      break;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value! };
}

/** A secret shown in part: a short prefix and suffix for long values, nothing of short ones. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `${secret.slice(0, 4)}…${secret.slice(-4)}` : '…';
}

/** A URL whose path and query may embed a secret: the origin stays readable, the rest is masked. */
export function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    const rest = text.slice(url.origin.length);
    return `${url.origin}${rest.length > 12 ? `/…${rest.slice(-4)}` : rest === '' || rest === '/' ? rest : '/…'}`;
  } catch {
    return maskSecret(text);
  }
}

/** A destination as the API shows it: secrets masked. */
export function maskDestination(d: Destination): Destination {
  switch (d.type) {
    case 'slack':
    case 'discord':
      return { ...d, webhookUrl: maskUrl(d.webhookUrl) };
    case 'telegram':
      return { ...d, botToken: maskSecret(d.botToken) };
    case 'email':
      return d;
  }
}

/** The HTTP request a Slack, Discord or Telegram destination makes, with its URL as recorded. */
export interface DestinationHttpRequest {
  url: string;
  /** The URL with its secret masked, for execution history. */
  shownUrl: string;
  body: string;
}

export function destinationHttpRequest(d: Exclude<Destination, { type: 'email' }>, payload: unknown, telegramApiUrl: string): DestinationHttpRequest {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  switch (d.type) {
    case 'slack':
      return { url: d.webhookUrl, shownUrl: maskUrl(d.webhookUrl), body: JSON.stringify({ text: p.text }) };
    case 'discord':
      return { url: d.webhookUrl, shownUrl: maskUrl(d.webhookUrl), body: JSON.stringify({ content: p.content ?? p.text }) };
    case 'telegram': {
      const base = telegramApiUrl.replace(/\/+$/, '');
      return {
        url: `${base}/bot${d.botToken}/sendMessage`,
        shownUrl: `${base}/bot${maskSecret(d.botToken)}/sendMessage`,
        body: JSON.stringify({ chat_id: d.chatId, text: p.text }),
      };
    }
  }
}

/** What an email destination sends: the payload's html or text under the destination's subject. */
export interface EmailMessage {
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
}

export function emailMessage(d: Extract<Destination, { type: 'email' }>, payload: unknown): EmailMessage {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const html = typeof p.html === 'string' && p.html !== '' ? p.html : null;
  const text = typeof p.text === 'string' && p.text !== '' ? p.text : null;
  return { to: d.to, subject: d.subject, html, text };
}
