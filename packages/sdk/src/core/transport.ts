import { ConnectionError, errorFor, KairosError, TimeoutError, retryAfterMs, type ErrorDetail } from '../errors.js';

/**
 * Per-call settings, accepted as the last argument of every method.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await kairos.jobs.get('job_…', { timeoutMs: 5_000, signal: controller.signal, maxRetries: 0 });
 * ```
 */
export interface RequestOptions {
  /** Abandon the call when this signal aborts (the signal's reason is thrown). */
  signal?: AbortSignal;
  /** Milliseconds one attempt may take before it fails with a {@link TimeoutError}. */
  timeoutMs?: number;
  /** How many times a retryable failure is tried again (overrides the client's setting). */
  maxRetries?: number;
  /** For creates: the idempotency key to send instead of one generated for this call. */
  idempotencyKey?: string;
}

/**
 * The tokens of a signed-in user, renewed on their own before the access token expires.
 * @example
 * ```ts
 * const login = await kairos.auth.login({ email: 'me@example.com', password: '…' });
 * const session: SessionTokens = { accessToken: login.accessToken, refreshToken: login.refreshToken, accessTokenExpiresAt: login.accessTokenExpiresAt };
 * ```
 */
export interface SessionTokens {
  /** The short-lived JWT sent as the bearer. */
  accessToken: string;
  /** Exchanged for new tokens when the access token expires (once: each renewal hands over a new one). */
  refreshToken?: string;
  /** ISO instant after which the access token is refused. */
  accessTokenExpiresAt?: string;
}

export interface TransportConfig {
  baseUrl: string;
  apiKey?: string;
  session?: SessionTokens;
  project?: string;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch;
  onTokens?: (tokens: Required<SessionTokens>) => void;
}

/**
 * Which failures a call may repeat. `safe`: 429, 5xx, timeouts and network errors (the call
 * changes nothing twice: reads, idempotent writes, creates carrying an idempotency key the server
 * honours). `rate-limit`: only 429, which the server answers before doing anything.
 */
export type RetryPolicy = 'safe' | 'rate-limit';

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  body?: unknown;
  retry: RetryPolicy;
  /** Send an `Idempotency-Key` header, generated once for the call and kept across its retries. */
  idempotent?: boolean;
  /** The call authenticates with nothing (registration, sign-in, refresh). */
  anonymous?: boolean;
  headers?: Record<string, string>;
  options?: RequestOptions | undefined;
}

const renewMarginMs = 30_000;
const maxBackoffMs = 8_000;
const maxRetryAfterMs = 60_000;

/** Sends calls to the /v1 API: authentication and its renewal, retries, timeouts, errors. */
export class Transport {
  private session: SessionTokens | undefined;
  private renewing: Promise<void> | undefined;

  constructor(private readonly config: TransportConfig) {
    this.session = config.session;
  }

  /** Whether calls authenticate with an API key (rather than a session or nothing). */
  get usesApiKey(): boolean {
    return this.config.apiKey !== undefined;
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** Authenticates with these tokens from now on, instead of any API key (after a sign-in). */
  useSession(tokens: SessionTokens): void {
    this.config.apiKey = undefined;
    this.session = tokens;
  }

  /** Authenticates with this API key from now on (after an anonymous registration). */
  useApiKey(apiKey: string): void {
    this.config.apiKey = apiKey;
    this.session = undefined;
  }

  /** Sends the call and parses the JSON answer (`undefined` for 204). */
  async json<T>(call: Call): Promise<T> {
    const response = await this.send(call);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Sends the call; resolves with a 2xx response, or throws a {@link KairosError}. */
  async send(call: Call): Promise<Response> {
    const maxRetries = call.options?.maxRetries ?? this.config.maxRetries;
    const idempotencyKey = call.idempotent ? (call.options?.idempotencyKey ?? randomKey()) : undefined;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      if (!call.anonymous) await this.renewIfDue(call.options?.signal);
      let error: KairosError;
      try {
        const response = await this.attempt(call, idempotencyKey);
        if (response.ok) return response;
        error = await errorOf(response);
      } catch (err) {
        if (!(err instanceof KairosError)) throw err; // the caller's abort
        error = err;
      }
      if (error.status === 401 && !call.anonymous && !renewed && this.session?.refreshToken) {
        renewed = true;
        await this.renew(call.options?.signal);
        attempt--;
        continue;
      }
      if (attempt >= maxRetries || !retryable(error, call.retry)) throw error;
      await sleep(delayBefore(attempt, error), call.options?.signal);
    }
  }

  private async attempt(call: Call, idempotencyKey: string | undefined): Promise<Response> {
    const url = new URL(this.config.baseUrl.replace(/\/+$/, '') + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (!call.anonymous) {
      const bearer = this.config.apiKey ?? this.session?.accessToken;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (this.config.project) headers['kairos-project'] = this.config.project;
    }
    const timeoutMs = call.options?.timeoutMs ?? this.config.timeoutMs;
    const controller = new AbortController();
    const outer = call.options?.signal;
    outer?.throwIfAborted();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      return await this.config.fetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: controller.signal,
      });
    } catch (err) {
      if (outer?.aborted) throw outer.reason;
      if (timedOut) throw new TimeoutError(0, 'timeout', `No answer from ${url.origin} within ${timeoutMs} ms.`, [], undefined, { cause: err });
      throw new ConnectionError(0, 'connection_error', `Could not reach ${url.origin}: ${describe(err)}`, [], undefined, { cause: err });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  private async renewIfDue(signal: AbortSignal | undefined): Promise<void> {
    const session = this.session;
    if (this.config.apiKey || !session?.refreshToken || !session.accessTokenExpiresAt) return;
    if (Date.parse(session.accessTokenExpiresAt) - renewMarginMs > Date.now()) return;
    await this.renew(signal);
  }

  /** One renewal at a time: concurrent calls wait for the same one (a refresh token works once). */
  private renew(signal: AbortSignal | undefined): Promise<void> {
    this.renewing ??= (async () => {
      try {
        const refreshToken = this.session?.refreshToken;
        if (!refreshToken) return;
        const { data } = await this.json<{ data: Required<SessionTokens> }>({
          method: 'POST',
          path: '/v1/auth/refresh',
          body: { refreshToken },
          retry: 'rate-limit',
          anonymous: true,
          options: { signal },
        });
        this.session = data;
        this.config.onTokens?.(data);
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }
}

async function errorOf(response: Response): Promise<KairosError> {
  const text = await response.text().catch(() => '');
  let code = `http_${response.status}`;
  let message = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  let details: ErrorDetail[] = [];
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (parsed.error) {
      code = parsed.error.code ?? code;
      message = parsed.error.message ?? message;
      details = parsed.error.details ?? [];
    }
  } catch {
    // not the API's JSON (a proxy's page): keep the status and the start of the text
  }
  return errorFor(response.status, code, message, details, response.headers);
}

function retryable(error: KairosError, policy: RetryPolicy): boolean {
  if (error.status === 429) return true;
  if (policy === 'rate-limit') return false;
  return error.status === 0 || error.status >= 500;
}

/** Exponential from 0.5 s up to 8 s with up to 25 % jitter below, or what `Retry-After` asks. */
function delayBefore(attempt: number, error: KairosError): number {
  const asked = retryAfterMs(error.headers);
  if (asked !== undefined) return Math.min(asked, maxRetryAfterMs);
  const base = Math.min(500 * 2 ** attempt, maxBackoffMs);
  return base * (1 - Math.random() * 0.25);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/** A fresh idempotency key: a random UUID. */
export function randomKey(): string {
  return globalThis.crypto.randomUUID();
}
