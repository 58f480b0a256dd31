import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { newId, newSecret } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import { findApiKeyByHash, insertApiKey, insertProject } from '../store/sql/accounts.js';
import { projectView } from './views.js';

export type Scope = 'read' | 'write' | 'admin';

/** Who is calling: resolved from an API key on every request. */
export interface Caller {
  projectId: string;
  keyId: string;
  scopes: ReadonlySet<Scope>;
}

const keyPrefix = 'kr_live_';

// API keys carry 192 random bits, so a fast hash is enough to store them; a password KDF would
// only slow every request down.
const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function createAccountsService(store: Store) {
  return {
    /** A project with one all-scopes key, for a server or script that needs no user account. */
    async registerAnonymous(name: string) {
      const now = Date.now();
      const project = { id: newId('prj', now), name, created_at: now };
      const key = keyPrefix + newSecret(24);
      await store.db.transaction().execute(async (trx) => {
        await insertProject(trx, project);
        await insertApiKey(trx, {
          id: newId('key', now),
          project_id: project.id,
          name: 'default',
          key_hash: hashKey(key),
          prefix: keyPrefix,
          last_four: key.slice(-4),
          scopes: 'read,write,admin',
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        });
      });
      return { apiKey: key, project: projectView(project) };
    },

    /** The caller behind a bearer key; 401 when the key is unknown or revoked. */
    async authenticate(key: string | undefined): Promise<Caller> {
      if (!key) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
      const row = key.startsWith(keyPrefix) ? await findApiKeyByHash(store.db, hashKey(key)) : undefined;
      if (!row) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
      return { projectId: row.project_id, keyId: row.id, scopes: new Set(row.scopes.split(',') as Scope[]) };
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
