import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import type { SigningSecretRow } from '../store/schema.js';
import { expireCurrentSigningSecrets, insertSigningSecret, liveSigningSecrets, revokeSigningSecret } from '../store/sql/signingSecrets.js';
import { inTransaction } from '../store/transaction.js';
import type { Caller } from './caller.js';
import { decodeSigningSecret } from '../store/rows.js';

/** How long a rotated secret keeps signing, so receivers can move to the new one. */
export const rotationOverlapMs = 24 * 60 * 60 * 1000;

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes. */
export function mintSigningSecret(projectId: string, now: number): SigningSecretRow {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  return { id: newId('ss', now), project_id: projectId, secret, last_four: secret.slice(-4), created_at: now, expires_at: null, revoked_at: null };
}

export interface SigningSecretsDeps {
  store: Store;
  /** Told when a project's secrets change, so this node signs with the new set at once. */
  changed?: (projectId: string) => void;
}

/** A project's signing secrets; every delivery is signed with each live one. */
export function createSigningSecretsService({ store, changed }: SigningSecretsDeps) {
  const current = (rows: SigningSecretRow[]) => rows.filter((r) => r.expires_at === null);
  return {
    async list(caller: Caller) {
      const rows = await liveSigningSecrets(store.db, store.dialect, [caller.projectId], Date.now());
      return rows.reverse().map(decodeSigningSecret);
    },

    /** The project's first secret; one that already has a current secret rotates instead. */
    async create(caller: Caller) {
      const now = Date.now();
      const row = await inTransaction(store, async (trx) => {
        if (current(await liveSigningSecrets(trx, store.dialect, [caller.projectId], now)).length > 0) {
          throw new AppError('conflict', 'The project already has a signing secret; rotate it with POST /v1/signing-secrets/rotate.', [
            { field: 'signingSecret', issue: 'already exists' },
          ]);
        }
        const row = mintSigningSecret(caller.projectId, now);
        await insertSigningSecret(trx, row);
        return row;
      });
      changed?.(caller.projectId);
      return decodeSigningSecret(row);
    },

    /** A new secret; the current one keeps signing (beside it) for 24 hours. */
    async rotate(caller: Caller) {
      const now = Date.now();
      const row = await inTransaction(store, async (trx) => {
        await expireCurrentSigningSecrets(trx, caller.projectId, now + rotationOverlapMs);
        const row = mintSigningSecret(caller.projectId, now);
        await insertSigningSecret(trx, row);
        return row;
      });
      changed?.(caller.projectId);
      return decodeSigningSecret(row);
    },

    /** Stops signing with a secret at once. */
    async revoke(caller: Caller, id: string): Promise<void> {
      if (!(await revokeSigningSecret(store.db, caller.projectId, id, Date.now()))) throw AppError.notFound(`signing secret ${id}`);
      changed?.(caller.projectId);
    },
  };
}

export type SigningSecretsService = ReturnType<typeof createSigningSecretsService>;
