import type { InboundWebhookRow } from '../schema.js';
import type { Executor } from './executor.js';
import { type Page, readPage } from './page.js';

export async function insertInboundWebhook(db: Executor, row: InboundWebhookRow): Promise<void> {
  await db.insertInto('inbound_webhooks').values(row).execute();
}

/** A project's inbound webhooks, newest first. */
export async function listInboundWebhooks(db: Executor, projectId: string, offset: number, limit: number): Promise<Page<InboundWebhookRow>> {
  const base = db.selectFrom('inbound_webhooks').where('project_id', '=', projectId);
  return readPage(
    () => base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    () => base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute(),
  );
}

export async function getInboundWebhook(db: Executor, projectId: string, id: string): Promise<InboundWebhookRow | undefined> {
  return db.selectFrom('inbound_webhooks').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

/** The webhook a public inbound URL names, whichever project owns it. */
export async function findInboundWebhookBySlug(db: Executor, slug: string): Promise<InboundWebhookRow | undefined> {
  return db.selectFrom('inbound_webhooks').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Deletes a webhook of this project, so its URL answers 404 from now on; false when there was none. */
export async function deleteInboundWebhook(db: Executor, projectId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('inbound_webhooks').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
