import { jwtVerify, SignJWT } from 'jose';
import { newSecret } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import { getSetting, insertSettingIfAbsent } from '../store/sql/settings.js';

/** Access tokens are short-lived JWTs; a refresh token renews them. */
export const accessTokenTtlMs = 15 * 60_000;
export const refreshTokenTtlMs = 30 * 24 * 60 * 60_000;

const issuer = 'kairos';
const audience = 'kairos:api';
const secretSetting = 'jwt_secret';

/** What a valid access token says: who signed in, and which sign-in (refresh token family) it belongs to. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/** Signs and checks HS256 access tokens with the server's secret. */
export function createSessionTokens(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims: AccessClaims, now: number): Promise<{ token: string; expiresAt: number }> {
      const issuedAt = Math.floor(now / 1000);
      const expiresAt = issuedAt + accessTokenTtlMs / 1000;
      const token = await new SignJWT({ sid: claims.sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt: expiresAt * 1000 };
    },

    /** The claims of a token signed by us and not expired; undefined for anything else. */
    async verify(token: string): Promise<AccessClaims | undefined> {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer, audience });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined;
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        return undefined;
      }
    },
  };
}

export type SessionTokens = ReturnType<typeof createSessionTokens>;

/**
 * The secret that signs access tokens: the operator's `KAIROS_JWT_SECRET`, or else one made at
 * the first start and kept in the database, so tokens survive restarts and every node that shares
 * the database accepts the tokens of the others.
 */
export async function loadSessionSecret(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await insertSettingIfAbsent(store.db, { key: secretSetting, value: newSecret(32), created_at: Date.now() });
  const row = await getSetting(store.db, secretSetting);
  if (!row) throw new Error('the session secret could not be stored in the database');
  return row.value;
}
