import type { Kysely } from 'kysely';

// Built-in destinations: a job may name a Slack, Discord, Telegram or email destination (JSON)
// instead of a URL; such a job keeps an empty `url`.
export const destinations = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('destination', 'text').execute();
  },
};
