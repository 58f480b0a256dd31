import { botTokenIssue, chatIdIssue, type DestinationSettings, isEmailAddress, maskSecret, maskUrl, webhookUrlIssue } from './destinations.js';
import type { FieldIssue, Result } from './errors.js';
import { describe, isPlainObject, present } from './input.js';
import { headerIssue } from './jobDefinition.js';

/** Where alert notices go. The type is fixed per channel row; `config` holds its secrets. */
export type AlertChannelTarget =
  | { type: 'slack'; config: { webhookUrl: string } }
  | { type: 'discord'; config: { webhookUrl: string } }
  | { type: 'email'; config: { addresses: string[] } }
  | { type: 'webhook'; config: WebhookChannelConfig }
  | { type: 'telegram'; config: { botToken: string; chatId: string | number } };

/**
 * A webhook channel's receiver. `format` picks the envelope and signature it gets: Kairos's
 * (camelCase, Standard Webhooks signature with the project's signing secrets) or JustRun's
 * (snake_case, and `X-JustRun-Signature: sha256=<hex HMAC of the body>` keyed with `secret`).
 */
export interface WebhookChannelConfig {
  url: string;
  headers: Record<string, string>;
  format?: WebhookFormat;
  /** The channel's own signing secret, as the client gave it. */
  secret?: string;
}

export const webhookFormats = ['kairos', 'justrun'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

export type AlertChannelType = AlertChannelTarget['type'];
export const alertChannelTypes = ['slack', 'discord', 'email', 'webhook', 'telegram'] as const satisfies readonly AlertChannelType[];

/** A channel as validated: its name and where it sends. */
export type AlertChannelSpec = AlertChannelTarget & { name: string };

export const alertChannelLimits = { nameLength: 100, addresses: 20, headers: 20, secretLength: 256 } as const;

const configFields: Record<AlertChannelType, readonly string[]> = {
  slack: ['webhookUrl'],
  discord: ['webhookUrl'],
  email: ['addresses'],
  webhook: ['url', 'headers', 'format', 'secret'],
  telegram: ['botToken', 'chatId'],
};

/**
 * Validates a channel as a client described it (`{ type, name, config }`). `checkUrl` is the
 * target policy's static check; `settings` says whether email can be sent and where Telegram is.
 */
export function compileAlertChannel(input: unknown, checkUrl: (url: string) => string | null, settings: DestinationSettings): Result<AlertChannelSpec> {
  if (!isPlainObject(input)) return { ok: false, issues: [{ field: 'body', issue: `must be an object, not ${describe(input)}` }] };
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: string) => issues.push({ field, issue });

  const name = input.name;
  if (typeof name !== 'string' || name.trim() === '') add('name', 'is required');
  else if (name.length > alertChannelLimits.nameLength) add('name', `must be at most ${alertChannelLimits.nameLength} characters`);

  const type = input.type;
  if (typeof type !== 'string' || !(alertChannelTypes as readonly string[]).includes(type)) {
    add('type', `must be one of ${alertChannelTypes.join(', ')}`);
    return { ok: false, issues };
  }
  const kind = type as AlertChannelType;
  const config = input.config;
  if (!isPlainObject(config)) {
    add('config', present(config) ? `must be an object, not ${describe(config)}` : 'is required');
    return { ok: false, issues };
  }
  for (const key of Object.keys(config)) if (!configFields[kind].includes(key)) add(`config.${key}`, `is not a field of a ${kind} channel`);

  const what = `a ${kind} channel`;
  let target: AlertChannelTarget | undefined;
  switch (kind) {
    case 'slack':
    case 'discord': {
      const issue = webhookUrlIssue(config.webhookUrl, what, checkUrl);
      if (issue) add('config.webhookUrl', issue);
      target = { type: kind, config: { webhookUrl: config.webhookUrl as string } };
      break;
    }
    case 'webhook': {
      const issue = webhookUrlIssue(config.url, what, checkUrl);
      if (issue) add('config.url', issue);
      const headers: Record<string, string> = {};
      if (present(config.headers)) {
        if (!isPlainObject(config.headers)) add('config.headers', `must be an object of header names to values, not ${describe(config.headers)}`);
        else {
          const entries = Object.entries(config.headers);
          if (entries.length > alertChannelLimits.headers) add('config.headers', `at most ${alertChannelLimits.headers} headers`);
          for (const [header, value] of entries) {
            const problem = headerIssue(header, value);
            if (problem) add(`config.headers.${header}`, problem);
            else if ((value as string).includes('…')) add(`config.headers.${header}`, 'is masked; give the full value');
            else headers[header] = value as string;
          }
        }
      }
      const webhook: WebhookChannelConfig = { url: config.url as string, headers };
      if (present(config.format)) {
        if (!(webhookFormats as readonly unknown[]).includes(config.format)) add('config.format', `must be one of ${webhookFormats.join(', ')}`);
        else if (config.format !== 'kairos') webhook.format = config.format as WebhookFormat;
      }
      if (present(config.secret)) {
        const secret = config.secret;
        if (typeof secret !== 'string' || secret === '' || secret.length > alertChannelLimits.secretLength) add('config.secret', `must be a string of 1 to ${alertChannelLimits.secretLength} characters`);
        else if (secret.includes('…')) add('config.secret', 'is masked; give the full value');
        else webhook.secret = secret;
      }
      target = { type: 'webhook', config: webhook };
      break;
    }
    case 'email': {
      const raw = config.addresses;
      if (!Array.isArray(raw) || raw.length === 0) add('config.addresses', `is required for ${what} (an array of 1 to ${alertChannelLimits.addresses} addresses)`);
      else if (raw.length > alertChannelLimits.addresses) add('config.addresses', `at most ${alertChannelLimits.addresses} addresses`);
      else raw.forEach((address, i) => {
        if (!isEmailAddress(address)) add(`config.addresses[${i}]`, 'must be an email address');
      });
      if (settings.emailUnavailable) add('type', settings.emailUnavailable);
      target = { type: 'email', config: { addresses: Array.isArray(raw) ? [...new Set(raw as string[])] : [] } };
      break;
    }
    case 'telegram': {
      const tokenIssue = botTokenIssue(config.botToken, what);
      if (tokenIssue) add('config.botToken', tokenIssue);
      const chatIssue = chatIdIssue(config.chatId, what);
      if (chatIssue) add('config.chatId', chatIssue);
      const refused = checkUrl(settings.telegramApiUrl);
      if (refused) add('type', `the Telegram API URL (KAIROS_TELEGRAM_API_URL) is refused: ${refused}`);
      target = { type: 'telegram', config: { botToken: config.botToken as string, chatId: config.chatId as string | number } };
      break;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: { ...target!, name: (name as string).trim() } };
}

/** A channel's config as the API shows it: webhook URLs, bot tokens and header values masked. */
export function maskAlertChannelConfig(target: AlertChannelTarget): Record<string, unknown> {
  switch (target.type) {
    case 'slack':
    case 'discord':
      return { webhookUrl: maskUrl(target.config.webhookUrl) };
    case 'webhook':
      // The path of a receiver's URL often is its secret (a token in it), like a Slack hook's.
      return {
        url: maskUrl(target.config.url),
        headers: Object.fromEntries(Object.entries(target.config.headers).map(([k, v]) => [k, maskSecret(v)])),
        ...(target.config.format ? { format: target.config.format } : {}),
        ...(target.config.secret !== undefined ? { secret: maskSecret(target.config.secret) } : {}),
      };
    case 'telegram':
      return { botToken: maskSecret(target.config.botToken), chatId: target.config.chatId };
    case 'email':
      return { addresses: target.config.addresses };
  }
}
