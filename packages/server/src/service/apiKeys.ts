import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { newId, newSecret } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import type { ApiKeyRow } from '../store/schema.js';
import { getApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../store/sql/accounts.js';
import { inTransaction } from '../store/transaction.js';
import type { Caller, Scope } from './caller.js';
import type { Page } from './page.js';
import { decodeApiKey } from '../store/rows.js';

export const keyPrefix = 'kr_live_';
/**
 * The prefixes of the keys Kairos issues: its own, and those of the dialects whose clients look
 * for their product's prefix (Runhooks' `rh_live_`, JustRun's `jrun_sk_`). Any of them works in
 * every door.
 */
export const keyPrefixes = [keyPrefix, 'rh_live_', 'jrun_sk_'] as const;
export type KeyPrefix = (typeof keyPrefixes)[number];

/** How a key is issued: its prefix, and how many of its random characters its listing shows after it. */
export interface KeyStyle {
  prefix: KeyPrefix;
  /** Runhooks shows `rh_live_abc1` as a key's prefix; Kairos and JustRun show only the fixed part. */
  shownChars?: number;
}

export const isApiKey = (bearer: string) => keyPrefixes.some((p) => bearer.startsWith(p));

/** The style a stored key was issued in, so that a rotation issues its successor alike. */
export function styleOf(row: Pick<ApiKeyRow, 'prefix'>): KeyStyle {
  const prefix = keyPrefixes.find((p) => row.prefix.startsWith(p)) ?? keyPrefix;
  return { prefix, shownChars: row.prefix.length - prefix.length };
}

export const allScopes: readonly Scope[] = ['read', 'write', 'admin'];

// API keys carry 192 random bits, so a fast hash is enough to store them; a password KDF would
// only slow every request down.
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A new key for a project: the row to store and the key to show once. Scopes are kept in one order. */
export function mintApiKey(projectId: string, name: string, scopes: readonly Scope[], now: number, style: KeyStyle = { prefix: keyPrefix }): { row: ApiKeyRow; key: string } {
  const key = style.prefix + newSecret(24);
  const row: ApiKeyRow = {
    id: newId('key', now),
    project_id: projectId,
    name,
    key_hash: hashKey(key),
    prefix: key.slice(0, style.prefix.length + (style.shownChars ?? 0)),
    last_four: key.slice(-4),
    scopes: allScopes.filter((s) => scopes.includes(s)).join(','),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  return { row, key };
}

export const parseScopes = (scopes: string): ReadonlySet<Scope> => new Set(scopes.split(',') as Scope[]);

/** Managing a project's keys; every use case expects a caller with the admin scope. */
export function createApiKeysService(store: Store) {
  return {
    async list(caller: Caller, { page, perPage }: Page) {
      const { rows, total } = await listApiKeys(store.db, caller.projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeApiKey), total };
    },

    async create(caller: Caller, input: { name: string; scopes: readonly Scope[] }, style?: KeyStyle) {
      const { row, key } = mintApiKey(caller.projectId, input.name, input.scopes, Date.now(), style);
      await insertApiKey(store.db, row);
      return { apiKey: decodeApiKey(row), key };
    },

    /** Revokes a key of the caller's project; its next use is refused. */
    async revoke(caller: Caller, id: string): Promise<void> {
      if (!(await revokeApiKey(store.db, caller.projectId, id, Date.now()))) throw AppError.notFound(`API key ${id}`);
    },

    /**
     * Replaces a key of the caller's project (by default the calling one) with a new one of the
     * same name, scopes and prefix; the old one stops working at once.
     */
    async rotate(caller: Caller | undefined, keyId = caller?.keyId) {
      if (!caller || !keyId) {
        throw new AppError('bad_request', 'rotate-key replaces the API key it is called with; call it with an API key, or manage keys with /v1/api-keys.', [
          { field: 'Authorization', issue: 'must be an API key' },
        ]);
      }
      const now = Date.now();
      return inTransaction(store, async (trx) => {
        const old = await getApiKey(trx, caller.projectId, keyId);
        if (!old || !(await revokeApiKey(trx, caller.projectId, keyId, now))) {
          throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
        }
        const { row, key } = mintApiKey(caller.projectId, old.name, [...parseScopes(old.scopes)], now, styleOf(old));
        await insertApiKey(trx, row);
        return { apiKey: decodeApiKey(row), key };
      });
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
