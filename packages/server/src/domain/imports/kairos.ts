/**
 * The Kairos export document (`GET /v1/export`), version 1, and how it is read back.
 *
 * ```json
 * { "kairos": "export", "version": 1, "exportedAt": "…", "secrets": "included" | "masked",
 *   "project": { "id", "name", "badgesEnabled", "eventsUrl" },
 *   "spaces": [{ "id", "name", "timezone" }],
 *   "jobs": [{ "id", "status", "pausedBy", "nextRunAt", "state", "previous", "deliveryStyle", …the fields of a create… }],
 *   "alertChannels": [{ "id", "type", "name", "config" }],
 *   "alertRules": [{ "id", "name", "channelIds", "jobId", "spaceId", "tag", "events", … }],
 *   "inboundWebhooks": [{ "id", "slug", "name", "targetUrl", "method", "headers", "delayMs", "secret" }],
 *   "signingSecrets": [{ "secret", "createdAt", "expiresAt" }] }
 * ```
 *
 * Without `?secrets=true` the secrets are masked (`secrets: "masked"`): destination and channel
 * webhook URLs, bot tokens, webhook channel headers, inbound webhook slugs and secrets, and job
 * headers whose name says they carry a credential; signing secrets are left out. Read back, a
 * masked value is a field to fill in: a job header becomes a placeholder on a paused job, and
 * what cannot hold a placeholder (a destination, a channel) is reported instead of created.
 *
 * A paused job's `pausedBy` says whether the user paused it or its space's pause did (`"space"`:
 * resuming the space resumes it); a document without it, as exports made before it was written,
 * reads as paused by the user.
 */
import { deliveryStyles, isDeliveryStyle } from '../deliveryStyle.js';
import { maskSecret, maskUrl } from '../destinations.js';
import type { JobInput } from '../jobDefinition.js';
import { failed, type ImportedJob, ImportSourceError, isRecord, skipped, text } from './types.js';

export const exportVersion = 1;

/** What a masked secret becomes on a job that is imported anyway (it is paused until filled in). */
export const fillInPlaceholder = '<to fill in>';

/** Header names that carry credentials, by the words they use. */
export function isSecretHeader(name: string): boolean {
  return /authorization|cookie|token|secret|password|passwd|api[-_]?key|(^|[-_])key$|signature|credential/i.test(name);
}

/** Masks what an export without secrets must not show: per value kind, as the API masks them. */
export const mask = {
  url: maskUrl,
  secret: maskSecret,
  headers(headers: Record<string, string>, all: boolean): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, all || isSecretHeader(k) ? maskSecret(v) : v]));
  },
  destination(d: Record<string, unknown>): Record<string, unknown> {
    if (typeof d.webhookUrl === 'string') return { ...d, webhookUrl: maskUrl(d.webhookUrl) };
    if (typeof d.botToken === 'string') return { ...d, botToken: maskSecret(d.botToken) };
    return d;
  },
  channelConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
    if (type === 'webhook') return { ...config, headers: mask.headers((config.headers as Record<string, string>) ?? {}, true) };
    return mask.destination(config);
  },
};

/** Which fields of a destination or channel config hold secrets. */
function secretFields(config: Record<string, unknown>, type: string): string[] {
  const out: string[] = [];
  if (typeof config.webhookUrl === 'string') out.push('webhookUrl');
  if (typeof config.botToken === 'string') out.push('botToken');
  if (type === 'webhook' && isRecord(config.headers)) for (const k of Object.keys(config.headers)) out.push(`headers.${k}`);
  return out;
}

export interface KairosSpace {
  originalId: string;
  name: string;
  timezone?: string;
}
export interface KairosChannel {
  originalId: string;
  input: { type: string; name: string; config: unknown };
  /** Secret fields that were masked: the channel cannot be made until they are given. */
  fillIn: string[];
}
export interface KairosRule {
  originalId: string;
  name: string;
  /** The rule's fields, with channel, job and space ids as the source named them. */
  input: Record<string, unknown>;
}
export interface KairosInbound {
  originalId: string;
  name: string | null;
  input: { targetUrl: string; method?: string; headers?: Record<string, string>; delayMs?: number; name?: string; secret?: string };
  /** The slug to keep (its URL is what senders know), when the export carried it. */
  slug: string | null;
  fillIn: string[];
}
export interface KairosDocument {
  masked: boolean;
  project: { badgesEnabled?: boolean; eventsUrl?: string | null } | null;
  spaces: KairosSpace[];
  jobs: ImportedJob[];
  alertChannels: KairosChannel[];
  alertRules: KairosRule[];
  inboundWebhooks: KairosInbound[];
  signingSecrets: Array<{ secret: string; createdAt: number; expiresAt: number | null }>;
  /** Entries of the lists besides jobs that are not what the export makes, each with why. */
  unreadable: Array<{ what: 'space' | 'alertChannel' | 'alertRule' | 'inboundWebhook' | 'signingSecret'; reason: string }>;
}

const jobFields = ['name', 'description', 'tags', 'url', 'destination', 'method', 'headers', 'query', 'body', 'payload', 'schedule', 'retryPolicy', 'timeoutMs', 'storeResponseBody', 'followRedirects', 'onComplete', 'callbackUrl', 'failureCallbackUrl', 'eventsUrl'] as const;

// The JSON types of a job's fields, which the API's schema checks before a create: an export
// read back is checked the same way before its jobs are compiled.
const strings = ['name', 'url', 'method', 'body'] as const;
const nullableStrings = ['description', 'onComplete', 'callbackUrl', 'failureCallbackUrl', 'eventsUrl'] as const;
const booleans = ['storeResponseBody', 'followRedirects'] as const;

/** The first field of a job whose JSON type is wrong, as an issue; null when they are all right. */
export function jobTypeIssue(input: Record<string, unknown>): string | null {
  for (const f of strings) if (input[f] !== undefined && typeof input[f] !== 'string') return `${f}: must be a string`;
  for (const f of nullableStrings) if (input[f] !== undefined && input[f] !== null && typeof input[f] !== 'string') return `${f}: must be a string or null`;
  for (const f of booleans) if (input[f] !== undefined && typeof input[f] !== 'boolean') return `${f}: must be true or false`;
  if (input.timeoutMs !== undefined && typeof input.timeoutMs !== 'number') return 'timeoutMs: must be a number';
  if (input.headers !== undefined && (!isRecord(input.headers) || Object.values(input.headers).some((v) => typeof v !== 'string'))) return 'headers: must be an object of strings';
  if (input.query !== undefined && (!isRecord(input.query) || Object.values(input.query).some((v) => !['string', 'number', 'boolean'].includes(typeof v)))) return 'query: must be an object of strings, numbers or booleans';
  if (input.tags !== undefined && (!Array.isArray(input.tags) || input.tags.some((t) => typeof t !== 'string'))) return 'tags: must be a list of strings';
  return null;
}

const list = (doc: Record<string, unknown>, key: string): unknown[] => {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ImportSourceError(`source.${key}`, `must be a list`);
  return v;
};

function exportedJob(raw: unknown, masked: boolean): ImportedJob {
  if (!isRecord(raw)) return failed(null, null, 'is not a job object');
  const id = text(raw.id) ?? null;
  const name = text(raw.name) ?? null;
  if (id === null) return failed(null, name, 'has no id');
  const status = text(raw.status) ?? 'active';
  if (status !== 'active' && status !== 'paused') return skipped(id, name, `is ${status}; only active and paused jobs are imported`);
  const input: Record<string, unknown> = {};
  for (const f of jobFields) if (raw[f] !== undefined && raw[f] !== null) input[f] = raw[f];
  if (input.destination !== undefined) delete input.url;
  const typeIssue = jobTypeIssue(input);
  if (typeIssue) return failed(id, name, typeIssue);
  if (raw.deliveryStyle !== undefined && raw.deliveryStyle !== null) {
    if (!isDeliveryStyle(raw.deliveryStyle)) return failed(id, name, `deliveryStyle: must be one of ${deliveryStyles.join(', ')} or null`);
    input.deliveryStyle = raw.deliveryStyle;
  }
  const fillIn: string[] = [];
  if (masked && isRecord(input.destination)) {
    const fields = secretFields(input.destination, String(input.destination.type));
    if (fields.length > 0) return failed(id, name, `to fill in: destination.${fields.join(', destination.')} (exported without secrets)`);
  }
  if (masked && isRecord(input.headers)) {
    const headers = { ...(input.headers as Record<string, string>) };
    for (const k of Object.keys(headers)) {
      if (isSecretHeader(k)) {
        headers[k] = fillInPlaceholder;
        fillIn.push(`headers.${k}`);
      }
    }
    input.headers = headers;
  }
  const next = typeof raw.nextRunAt === 'string' ? Date.parse(raw.nextRunAt) : null;
  return {
    kind: 'job',
    originalId: id,
    originalName: name,
    input: input as unknown as JobInput,
    // A job whose secret is a placeholder would send it: it waits, paused, for the real value,
    // which its space's resume must not wake it without.
    status: fillIn.length > 0 ? 'paused' : status,
    ...(fillIn.length === 0 && status === 'paused' && raw.pausedBy === 'space' ? { pausedBy: 'space' as const } : {}),
    nextRunAt: next !== null && Number.isFinite(next) ? next : null,
    state: raw.state === undefined || raw.state === null ? null : JSON.stringify(raw.state),
    previous: raw.previous === undefined || raw.previous === null ? null : JSON.stringify(raw.previous),
    originalSpaceId: text(raw.spaceId) ?? null,
    ...(fillIn.length > 0 ? { fillIn } : {}),
  };
}

/** An ISO-8601 instant as epoch ms; null when absent or not one. */
function instant(value: unknown): number | null {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** Reads an export document; a document of another kind or a newer version is refused whole. */
export function parseKairosDocument(source: unknown): KairosDocument {
  if (!isRecord(source) || source.kairos !== 'export') throw new ImportSourceError('source', 'must be a Kairos export document ({ "kairos": "export", "version": 1, … } as GET /v1/export makes it)');
  if (source.version !== exportVersion) throw new ImportSourceError('source.version', `version ${String(source.version)} is not one this server reads (it reads ${exportVersion})`);
  const masked = source.secrets !== 'included';
  const project = isRecord(source.project) ? source.project : null;

  const unreadable: KairosDocument['unreadable'] = [];
  // An entry left out is said, not dropped: the user sees what of their backup did not come back.
  const unread = (what: KairosDocument['unreadable'][number]['what'], key: string, i: number, needs: string): [] => {
    unreadable.push({ what, reason: `source.${key}[${i}]: ${needs}` });
    return [];
  };
  const spaces = list(source, 'spaces').flatMap((s, i): KairosSpace[] =>
    isRecord(s) && text(s.id) && text(s.name) ? [{ originalId: text(s.id)!, name: text(s.name)!, ...(text(s.timezone) ? { timezone: text(s.timezone) } : {}) }] : unread('space', 'spaces', i, 'must be a space with an id and a name'),
  );
  const alertChannels = list(source, 'alertChannels').flatMap((c, i): KairosChannel[] => {
    if (!isRecord(c) || !text(c.id)) return unread('alertChannel', 'alertChannels', i, 'must be an alert channel with an id');
    const config = isRecord(c.config) ? c.config : {};
    return [{ originalId: text(c.id)!, input: { type: String(c.type), name: String(c.name ?? ''), config }, fillIn: masked ? secretFields(config, String(c.type)).map((f) => `config.${f}`) : [] }];
  });
  const alertRules = list(source, 'alertRules').flatMap((r, i): KairosRule[] => {
    if (!isRecord(r) || !text(r.id)) return unread('alertRule', 'alertRules', i, 'must be an alert rule with an id');
    const { id: _id, createdAt: _c, updatedAt: _u, ...input } = r;
    for (const k of Object.keys(input)) if (input[k] === null) delete input[k];
    return [{ originalId: text(r.id)!, name: String(r.name ?? ''), input }];
  });
  const inboundWebhooks = list(source, 'inboundWebhooks').flatMap((w, i): KairosInbound[] => {
    if (!isRecord(w) || !text(w.id) || !text(w.targetUrl)) return unread('inboundWebhook', 'inboundWebhooks', i, 'must be an inbound webhook with an id and a targetUrl');
    const fillIn: string[] = [];
    const secret = text(w.secret);
    if (secret !== undefined && masked) fillIn.push('secret');
    const headers = isRecord(w.headers) ? (w.headers as Record<string, string>) : undefined;
    return [
      {
        originalId: text(w.id)!,
        name: text(w.name) ?? null,
        input: {
          targetUrl: text(w.targetUrl)!,
          ...(text(w.method) ? { method: text(w.method) } : {}),
          ...(headers ? { headers } : {}),
          ...(typeof w.delayMs === 'number' ? { delayMs: w.delayMs } : {}),
          ...(text(w.name) ? { name: text(w.name) } : {}),
          ...(secret !== undefined && !masked ? { secret } : {}),
        },
        slug: masked ? null : (text(w.slug) ?? null),
        fillIn,
      },
    ];
  });
  const signingSecrets = masked
    ? []
    : list(source, 'signingSecrets').flatMap((s, i) =>
        isRecord(s) && typeof s.secret === 'string' && s.secret.startsWith('whsec_')
          ? [{ secret: s.secret, createdAt: instant(s.createdAt) ?? Date.now(), expiresAt: instant(s.expiresAt) }]
          : unread('signingSecret', 'signingSecrets', i, 'must be a signing secret (whsec_…)'),
      );
  return {
    masked,
    project: project ? { ...(typeof project.badgesEnabled === 'boolean' ? { badgesEnabled: project.badgesEnabled } : {}), ...(project.eventsUrl !== undefined ? { eventsUrl: (project.eventsUrl as string | null) ?? null } : {}) } : null,
    spaces,
    jobs: list(source, 'jobs').map((j) => exportedJob(j, masked)),
    alertChannels,
    alertRules,
    inboundWebhooks,
    signingSecrets,
    unreadable,
  };
}
