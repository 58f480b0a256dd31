import type { RequestOptions } from '../core/transport.js';
import type { AnonymousRegistration, Me, NewApiKey, RegisterAccount, Registration, Session, Tokens } from '../types.js';
import { Resource } from './resource.js';

/**
 * Accounts and sessions. After `register` or `login` the client acts as that user, and renews
 * the 15-minute access token with the refresh token on its own (pass `onTokens` to the client to
 * keep the newest refresh token).
 *
 * @example
 * ```ts
 * const kairos = new Kairos({ baseUrl: 'http://127.0.0.1:8080' });
 * await kairos.auth.login({ email: 'me@example.com', password: 'correct horse battery' });
 * const jobs = await kairos.jobs.list();
 * ```
 */
export class Auth extends Resource {
  /**
   * Registers an account (its first project, tokens, and an all-scopes API key shown this once)
   * and signs this client in as it.
   * @example
   * ```ts
   * const { apiKey, project } = await kairos.auth.register({ email: 'me@example.com', password: 'correct horse battery', name: 'Me' });
   * ```
   */
  async register(account: RegisterAccount, options?: RequestOptions): Promise<Registration> {
    const { data } = await this.transport.json<{ data: Registration }>({ method: 'POST', path: '/v1/auth/register', body: account, retry: 'rate-limit', anonymous: true, options });
    this.transport.useSession(data);
    return data;
  }

  /**
   * Registers a project without an account and uses its API key (shown this once) from now on.
   * @example
   * ```ts
   * const { apiKey } = await kairos.auth.registerAnonymous({ name: 'my scripts' });
   * ```
   */
  async registerAnonymous(project: { name: string }, options?: RequestOptions): Promise<AnonymousRegistration> {
    const { data } = await this.transport.json<{ data: AnonymousRegistration }>({ method: 'POST', path: '/v1/auth/register-anonymous', body: project, retry: 'rate-limit', anonymous: true, options });
    this.transport.useApiKey(data.apiKey);
    return data;
  }

  /**
   * Signs in with an email and password; the client uses the session from now on.
   * @example
   * ```ts
   * const { user } = await kairos.auth.login({ email: 'me@example.com', password: 'correct horse battery' });
   * ```
   */
  async login(credentials: { email: string; password: string }, options?: RequestOptions): Promise<Session> {
    const { data } = await this.transport.json<{ data: Session }>({ method: 'POST', path: '/v1/auth/login', body: credentials, retry: 'rate-limit', anonymous: true, options });
    this.transport.useSession(data);
    return data;
  }

  /**
   * Exchanges a refresh token (usable once) for new tokens, and uses them. The client does this
   * on its own before the access token expires; call it to resume a stored session.
   * @example
   * ```ts
   * const tokens = await kairos.auth.refresh(savedRefreshToken);
   * ```
   */
  async refresh(refreshToken: string, options?: RequestOptions): Promise<Tokens> {
    const { data } = await this.transport.json<{ data: Tokens }>({ method: 'POST', path: '/v1/auth/refresh', body: { refreshToken }, retry: 'rate-limit', anonymous: true, options });
    this.transport.useSession(data);
    return data;
  }

  /**
   * Who the client is: the signed-in user and their projects, or the API key and its project.
   * @example
   * ```ts
   * const me = await kairos.auth.me();
   * if ('user' in me) console.log(me.user.email);
   * ```
   */
  async me(options?: RequestOptions): Promise<Me> {
    const { data } = await this.transport.json<{ data: Me }>({ method: 'GET', path: '/v1/auth/me', retry: 'safe', options });
    return data;
  }

  /**
   * Replaces the calling API key with a new one (the old one stops working); the client uses the new one.
   * @example
   * ```ts
   * const { key } = await kairos.auth.rotateKey();
   * ```
   */
  async rotateKey(options?: RequestOptions): Promise<NewApiKey> {
    const { data } = await this.transport.json<{ data: NewApiKey }>({ method: 'POST', path: '/v1/auth/rotate-key', retry: 'rate-limit', options });
    if (this.transport.usesApiKey) this.transport.useApiKey(data.key);
    return data;
  }
}
