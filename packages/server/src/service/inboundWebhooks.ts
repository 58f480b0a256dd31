import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, type FieldIssue } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { compileJobDefinition, type JobInput } from '../domain/jobDefinition.js';
import type { Store } from '../store/connect.js';
import type { InboundWebhook } from '../domain/records.js';
import { decodeInboundWebhook, decodeJob } from '../store/rows.js';
import type { InboundWebhookRow } from '../store/schema.js';
import { listJobsOfInboundWebhook } from '../store/sql/jobs.js';
import { deleteInboundWebhook, findInboundWebhookBySlug, getInboundWebhook, insertInboundWebhook, listInboundWebhooks } from '../store/sql/inboundWebhooks.js';
import type { DeliveryStyle } from '../domain/deliveryStyle.js';
import type { Caller } from './caller.js';
import type { JobsService } from './jobs.js';
import type { Page } from './page.js';

export const inboundMethods = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const maxInboundDelayMs = 30 * 24 * 60 * 60 * 1000;
export const signatureHeader = 'x-kairos-signature';

export interface InboundWebhookInput {
  targetUrl: string;
  method?: (typeof inboundMethods)[number];
  headers?: Record<string, string>;
  delayMs?: number;
  name?: string;
  secret?: string;
}

export interface InboundWebhooksDeps {
  store: Store;
  jobs: Pick<JobsService, 'create'>;
  checkUrl: (url: string) => string | null;
}

/** `wh_` and 128 random bits in hex: the slug is the only credential of a public URL. */
export const newSlug = (): string => `wh_${randomBytes(16).toString('hex')}`;

/**
 * Each request a webhook accepts is recorded as the one-time job it makes, linked to the webhook
 * (what lists its recent requests) and described so a user reading the job sees where it came from.
 */
const requestJobDescription = (webhookId: string): string => `Created by inbound webhook ${webhookId}`;

/** The job one inbound request makes; `payload` is whatever JSON was posted. */
function jobInput(webhook: InboundWebhook, payload: unknown): JobInput {
  return {
    // Six hex characters tell webhooks apart in a job list and give away little of the slug.
    name: `inbound ${webhook.slug.slice(0, 9)}`,
    description: requestJobDescription(webhook.id),
    url: webhook.targetUrl,
    method: webhook.method,
    headers: webhook.headers,
    payload,
    schedule: { type: 'once', delay: webhook.delayMs },
    tags: ['inbound'],
  };
}

// A webhook's fields are checked as the jobs it will make: an issue about the job's `url` is
// one about the webhook's `targetUrl`.
const fieldOf: Record<string, string> = { url: 'targetUrl', 'schedule.delay': 'delayMs' };

/** `x-kairos-signature: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time. */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = header === undefined ? null : /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}

/** Inbound webhooks: managed by a project's callers, received by anyone who knows a URL. */
export function createInboundWebhooksService({ store, jobs, checkUrl }: InboundWebhooksDeps) {
  return {
    /** `slug` keeps a webhook's URL when it is restored from an export (the caller checks it is free). */
    async create(caller: Caller, input: InboundWebhookInput, slug: string = newSlug()) {
      const now = Date.now();
      const row: InboundWebhookRow = {
        id: newId('ibw', now),
        project_id: caller.projectId,
        slug,
        name: input.name ?? null,
        target_url: input.targetUrl,
        method: input.method ?? 'POST',
        headers: JSON.stringify(input.headers ?? {}),
        delay_ms: input.delayMs ?? 0,
        secret: input.secret ?? null,
        created_at: now,
      };
      const webhook = decodeInboundWebhook(row);
      const compiled = compileJobDefinition(jobInput(webhook, {}), now, checkUrl);
      if (!compiled.ok) throw AppError.validation(compiled.issues.map((i): FieldIssue => ({ field: fieldOf[i.field] ?? i.field, issue: i.issue })));
      await insertInboundWebhook(store.db, row);
      return webhook;
    },

    async list(caller: Caller, { page, perPage }: Page) {
      const { rows, total } = await listInboundWebhooks(store.db, caller.projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeInboundWebhook), total };
    },

    async get(caller: Caller, id: string) {
      const row = await getInboundWebhook(store.db, caller.projectId, id);
      if (!row) throw AppError.notFound(`Inbound webhook ${id}`);
      return decodeInboundWebhook(row);
    },

    /** The requests it accepted, newest first, as the jobs they made (kept as long as those jobs are). */
    async requests(caller: Caller, id: string, { page, perPage }: Page) {
      const row = await getInboundWebhook(store.db, caller.projectId, id);
      if (!row) throw AppError.notFound(`Inbound webhook ${id}`);
      const { rows, total } = await listJobsOfInboundWebhook(store.db, caller.projectId, row.id, (page - 1) * perPage, perPage);
      return { items: rows.map((job) => decodeJob(job)), total };
    },

    async remove(caller: Caller, id: string): Promise<void> {
      if (!(await deleteInboundWebhook(store.db, caller.projectId, id))) throw AppError.notFound(`Inbound webhook ${id}`);
    },

    /**
     * One request to a public inbound URL: a one-time job through the ordinary create path, so
     * the project's plan and the job rules apply. `rawBody` is what was signed. A door speaking
     * another product's dialect names the delivery style its jobs get.
     */
    async receive(slug: string, rawBody: Buffer, payload: unknown, signature: string | undefined, deliveryStyle: DeliveryStyle | null = null) {
      const row = await findInboundWebhookBySlug(store.db, slug);
      if (!row) throw AppError.notFound('Inbound webhook');
      if (row.secret !== null && !verifySignature(row.secret, rawBody, signature)) {
        throw new AppError('unauthorized', `This webhook wants the header "${signatureHeader}: sha256=<hex HMAC-SHA256 of the body with its secret>".`, [
          { field: signatureHeader, issue: signature === undefined ? 'is required' : 'does not match the body' },
        ]);
      }
      const { job } = await jobs.create(row.project_id, { ...jobInput(decodeInboundWebhook(row), payload), deliveryStyle }, undefined, { inboundWebhookId: row.id });
      return { jobId: job.id, scheduledFor: job.nextRunAt };
    },
  };
}

export type InboundWebhooksService = ReturnType<typeof createInboundWebhooksService>;
