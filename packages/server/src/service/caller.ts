import type { Scope } from '../domain/scope.js';

export type { Scope };

/**
 * Who is calling and on which project: resolved on every request from an API key (bound to its
 * project, with its scopes) or from a signed-in user's access token (one of their projects, with
 * every scope). The one shape the rest of the code sees.
 */
export interface Caller {
  projectId: string;
  scopes: ReadonlySet<Scope>;
  /** The API key that authenticated the request, when it was one. */
  keyId?: string;
  /** The signed-in user, when the bearer was an access token. */
  userId?: string;
}

/** What a bearer token proves, before a project is chosen. */
export type Principal = { kind: 'key'; keyId: string; projectId: string; scopes: ReadonlySet<Scope> } | { kind: 'user'; userId: string; sessionId: string };

const rank: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** Whether scopes a caller holds include `needed`: `admin` ⊃ `write` ⊃ `read`. */
export function hasScope(scopes: ReadonlySet<Scope>, needed: Scope): boolean {
  for (const scope of scopes) if (rank[scope] >= rank[needed]) return true;
  return false;
}
