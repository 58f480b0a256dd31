import type { UserRow } from '../schema.js';
import type { Executor } from './executor.js';

/** Inserts the user unless the email is taken; false when it is (checked by the unique index, so races lose too). */
export async function insertUser(db: Executor, user: UserRow): Promise<boolean> {
  const r = await db
    .insertInto('users')
    .values(user)
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The user with this (lower-cased) email. */
export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function getUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}
