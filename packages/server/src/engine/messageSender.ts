import type { Logger } from 'pino';
import type { RetryPolicy } from '../domain/retry.js';
import { retryDelay } from '../domain/retry.js';
import type { DeliveryResult, HttpDelivery } from '../delivery/httpDelivery.js';
import { webhookSignature } from '../delivery/signature.js';
import type { Store } from '../store/connect.js';
import type { OutboxRow } from '../store/schema.js';
import { claimMessages, type MessageAttempt, recordMessageAttempts, releaseMessages } from '../store/sql/outbox.js';
import type { SigningKeys } from './signingKeys.js';

/** What one try at a message came to, as the far end answered it. */
export interface MessageResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  /** The start of the answer's body. */
  response: string | null;
  /** No later attempt can do better (e.g. the alert channel is gone): fail it now. */
  giveUp?: boolean;
}

/** Sends an alert notice to its channel; given by main.ts, as alerts/ knows the channels. */
export type AlertSender = (message: OutboxRow) => Promise<MessageResult>;

export interface MessageSenderDeps {
  store: Store;
  delivery: HttpDelivery;
  logger: Logger;
  userAgent: string;
  signing: SigningKeys;
  nodeId: string;
  pollMs: number;
  retryMs: number;
  sendAlert?: AlertSender;
}

const claimBatch = 100;
/** Targets served at once; one target's messages go one after another, in the order they were made. */
const parallelTargets = 16;
const messageTimeoutMs = 10_000;
const leaseMs = 60_000;
export const responseExcerptChars = 2_048;

/**
 * Delivers the outbox: callbacks, lifecycle and project events, alert notices. Messages are
 * claimed with a lease like runs, so several nodes share them and a dead node's come back; each
 * attempt is recorded, and a message that runs out of attempts is marked failed, not dropped.
 */
export class MessageSender {
  private pollTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(private readonly deps: MessageSenderDeps) {}

  start(): void {
    this.pollTimer = setInterval(() => this.wake(), this.deps.pollMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** Messages were written: send them now rather than at the next poll. */
  wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Stops claiming; waits for the batch in hand until `deadline`, then gives back what is left. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    try {
      await releaseMessages(this.deps.store.db, this.deps.store.dialect, this.deps.nodeId);
    } catch (err) {
      this.deps.logger.warn({ err }, 'could not release messages; their leases will lapse');
    }
  }

  private async drain(): Promise<void> {
    const { store, nodeId, logger } = this.deps;
    try {
      for (let round = 0; round < 100 && !this.stopping; round++) {
        const now = Date.now();
        const batch = await claimMessages(store.db, store.dialect, { owner: nodeId, now, leaseUntil: now + leaseMs, limit: claimBatch });
        if (batch.length === 0) return;
        await this.deps.signing.refresh(store.db, store.dialect, batch.map((m) => m.project_id), now).catch((err: unknown) => logger.warn({ err }, 'could not read signing secrets for messages'));
        const { attempts, unsent } = await this.sendAll(batch, now + leaseMs / 2);
        await store.db.transaction().execute((trx) => recordMessageAttempts(trx, nodeId, attempts, Date.now()));
        if (unsent.length > 0) await releaseMessages(store.db, store.dialect, nodeId, unsent);
        if (batch.length < claimBatch) return;
      }
    } catch (err) {
      logger.warn({ err }, 'sending messages failed; will try again');
    }
  }

  /**
   * Sends a claimed batch, a target's messages one after another. None starts after `sendBy`
   * (half the lease) or once stopping: a slow target must not keep messages past their lease,
   * where another node would claim and send them again. Those not sent are given back.
   */
  private async sendAll(batch: readonly OutboxRow[], sendBy: number): Promise<{ attempts: MessageAttempt[]; unsent: string[] }> {
    const byTarget = new Map<string, OutboxRow[]>();
    for (const m of batch) {
      const key = m.url ?? `channel:${m.channel_id}`;
      const list = byTarget.get(key);
      if (list) list.push(m);
      else byTarget.set(key, [m]);
    }
    const queues = [...byTarget.values()];
    const attempts: MessageAttempt[] = [];
    const unsent: string[] = [];
    const worker = async () => {
      for (let q = queues.shift(); q; q = queues.shift()) {
        for (const m of q) {
          if (this.stopping || Date.now() >= sendBy) unsent.push(m.id);
          else attempts.push(this.attemptOf(m, await this.sendOne(m)));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelTargets, queues.length) }, worker));
    return { attempts, unsent };
  }

  private async sendOne(m: OutboxRow): Promise<MessageResult> {
    try {
      if (m.kind === 'alert') {
        if (!this.deps.sendAlert) return { delivered: false, statusCode: null, error: 'alert channels are not configured on this node', response: null };
        return await this.deps.sendAlert(m);
      }
      return resultOf(await this.deps.delivery.deliver(this.request(m)));
    } catch (err) {
      return { delivered: false, statusCode: null, error: String(err), response: null };
    }
  }

  /** A signed JSON POST; its `webhook-id` is the message id, the same on every attempt. */
  private request(m: OutboxRow) {
    const url = new URL(m.url!);
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const headers = ['user-agent', this.deps.userAgent, 'content-type', 'application/json', 'webhook-id', m.id, 'webhook-timestamp', timestamp, 'kairos-event', m.event];
    if (m.job_id !== null) headers.push('kairos-job-id', m.job_id);
    const keys = this.deps.signing.lastKnown(m.project_id) ?? [];
    if (keys.length > 0) headers.push('webhook-signature', webhookSignature(keys, m.id, timestamp, m.body));
    return { origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers, body: m.body, timeoutMs: messageTimeoutMs, followRedirects: false };
  }

  private attemptOf(m: OutboxRow, r: MessageResult): MessageAttempt {
    const made = m.attempts + 1;
    let status: OutboxRow['status'] = 'delivered';
    let retryAt: number | null = null;
    if (!r.delivered) {
      const policy: RetryPolicy = { strategy: 'exponential', maxRetries: m.max_attempts - 1, initialDelayMs: this.deps.retryMs, multiplier: 4, maxDelayMs: 3_600_000 };
      const delay = r.giveUp ? null : retryDelay(policy, made);
      if (delay === null) status = 'failed';
      else {
        status = 'pending';
        retryAt = Date.now() + delay;
      }
      this.deps.logger.info({ messageId: m.id, jobId: m.job_id, kind: m.kind, event: m.event, attempt: made, error: r.error, statusCode: r.statusCode }, status === 'failed' ? 'message given up' : 'message not delivered; will retry');
    }
    return { id: m.id, status, retryAt, statusCode: r.statusCode, error: r.error, response: r.response };
  }
}

export function resultOf(d: DeliveryResult): MessageResult {
  return {
    delivered: d.outcome === 'success',
    statusCode: d.statusCode,
    error: d.error,
    response: d.body === null ? null : d.body.slice(0, responseExcerptChars),
  };
}
