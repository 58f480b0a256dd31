import { jwtVerify, SignJWT } from 'jose';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/connect.js';
import { getApiKey, getOwnedProject } from '../store/sql/accounts.js';
import { isRefreshFamilyLive } from '../store/sql/refreshTokens.js';
import type { Caller, Principal } from './caller.js';

/** A browser's EventSource cannot send headers: it gets a token good for the stream alone, briefly. */
export const streamTokenTtlMs = 5 * 60_000;

const issuer = 'kairos';
// Not the access tokens' audience: a stream token is refused everywhere but GET /v1/stream.
const audience = 'kairos:stream';

/**
 * Signs stream tokens (HS256 with the server's session secret, so every node accepts them) that
 * name the project and the credential they were made with; using one checks that the credential
 * still stands (the key not revoked, the sign-in not ended).
 */
export function createStreamTokens({ store, secret }: { store: Store; secret: string }) {
  const key = new TextEncoder().encode(`stream:${secret}`);
  return {
    async issue(principal: Principal, caller: Caller, now = Date.now()): Promise<{ token: string; expiresAt: number }> {
      const expiresAt = Math.floor((now + streamTokenTtlMs) / 1000);
      const credential = principal.kind === 'key' ? { kid: principal.keyId } : { sid: principal.sessionId, sub: principal.userId };
      const token = await new SignJWT({ prj: caller.projectId, ...(credential.kid ? { kid: credential.kid } : { sid: credential.sid }) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.kind === 'key' ? principal.keyId : principal.userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt: expiresAt * 1000 };
    },

    /** The project a valid token streams; 401 for a token that is forged, expired, or whose credential is gone. */
    async projectOf(token: string): Promise<string> {
      const refused = new AppError('unauthorized', 'The stream token is not valid or has expired (tokens last 5 minutes; ask POST /v1/stream/tokens for another).', [{ field: 'token', issue: 'is not valid' }]);
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer, audience }));
      } catch {
        throw refused;
      }
      const projectId = payload.prj;
      if (typeof projectId !== 'string' || typeof payload.sub !== 'string') throw refused;
      if (typeof payload.kid === 'string') {
        if (!(await getApiKey(store.db, projectId, payload.kid))) throw refused;
      } else if (typeof payload.sid === 'string') {
        if (!(await isRefreshFamilyLive(store.db, payload.sid)) || !(await getOwnedProject(store.db, payload.sub, projectId))) throw refused;
      } else {
        throw refused;
      }
      return projectId;
    },
  };
}

export type StreamTokens = ReturnType<typeof createStreamTokens>;
