import type { paths } from './schema';

/**
 * Who the dashboard acts as: a signed-in user (access + refresh tokens, and the project picked)
 * or a pasted API key. Kept in localStorage so a reload stays signed in.
 */
export type Session =
  | { kind: 'user'; accessToken: string; accessTokenExpiresAt: string; refreshToken: string; projectId: string | null }
  | { kind: 'key'; apiKey: string };

const storageKey = 'kairos.session';
const listeners = new Set<() => void>();

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(storageKey);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = loadSession();

export function getSession(): Session | null {
  return current;
}

export function setSession(next: Session | null): void {
  current = next;
  if (next) localStorage.setItem(storageKey, JSON.stringify(next));
  else localStorage.removeItem(storageKey);
  for (const l of listeners) l();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

type Refreshed = paths['/v1/auth/refresh']['post']['responses'][200]['content']['application/json'];

// A refresh token is good for one use: concurrent requests share the one refresh in flight.
let refreshing: Promise<string | null> | null = null;

/** A current access token, renewed a minute before it expires; null once the refresh fails. */
export function accessToken(force = false): Promise<string | null> {
  const s = current;
  if (!s || s.kind !== 'user') return Promise.resolve(null);
  if (!force && Date.parse(s.accessTokenExpiresAt) - Date.now() > 60_000) return Promise.resolve(s.accessToken);
  refreshing ??= (async () => {
    try {
      const res = await fetch('/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      });
      if (!res.ok) {
        setSession(null);
        return null;
      }
      const { data } = (await res.json()) as Refreshed;
      const latest = current;
      setSession({ ...s, ...data, projectId: latest?.kind === 'user' ? latest.projectId : s.projectId });
      return data.accessToken;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
