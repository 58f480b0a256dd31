import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { accessToken, getSession, setSession } from './session';
import type { ApiErrorBody } from './types';

/** An API answer that was not a success, with the API's own code and field details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(body?.error.message ?? `HTTP ${status}`);
  }
  /** The API's issue with one field (its `details`), for showing next to that field. */
  issue(field: string): string | undefined {
    return this.body?.error.details?.find((d) => d.field === field || d.field.startsWith(`${field}.`) || d.field.startsWith(`${field}[`))?.issue;
  }
}

const auth: Middleware = {
  async onRequest({ request }) {
    const s = getSession();
    if (!s) return request;
    if (s.kind === 'key') request.headers.set('authorization', `Bearer ${s.apiKey}`);
    else {
      const token = await accessToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      if (s.projectId) request.headers.set('kairos-project', s.projectId);
    }
    return request;
  },
  async onResponse({ response, request }) {
    const s = getSession();
    // An access token revoked or expired early: renew once and retry; a key that no longer works signs out.
    // Only reads are retried: a write's body has been sent and is not replayed behind the user's back.
    if (response.status === 401 && s?.kind === 'user' && request.method === 'GET') {
      const token = await accessToken(true);
      if (!token) return response;
      const headers = new Headers(request.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(request.url, { headers });
    }
    if (response.status === 401 && s?.kind === 'key') setSession(null);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** The data of an answer, or an ApiError: what query and mutation functions return. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, error as ApiErrorBody | undefined);
  return data as T;
}
