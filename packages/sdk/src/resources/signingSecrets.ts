import type { RequestOptions } from '../core/transport.js';
import type { NewSigningSecret, SigningSecret } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * The project's signing secrets: deliveries carry a Standard Webhooks signature made with each
 * live one (check it with {@link verifyWebhook}).
 *
 * @example
 * ```ts
 * const { secret } = await kairos.signingSecrets.create();
 * ```
 */
export class SigningSecrets extends Resource {
  /**
   * Lists the secrets (their last four characters, and when a rotated one expires).
   * @example
   * ```ts
   * const secrets = await kairos.signingSecrets.list();
   * ```
   */
  async list(options?: RequestOptions): Promise<SigningSecret[]> {
    const { data } = await this.transport.json<{ data: SigningSecret[] }>({ method: 'GET', path: '/v1/signing-secrets', retry: 'safe', options });
    return data;
  }

  /**
   * Makes the project's first secret, shown in this answer only (a second one is a `ConflictError`: rotate instead).
   * @example
   * ```ts
   * const { secret } = await kairos.signingSecrets.create(); // whsec_…
   * ```
   */
  async create(options?: RequestOptions): Promise<NewSigningSecret> {
    const { data } = await this.transport.json<{ data: NewSigningSecret }>({ method: 'POST', path: '/v1/signing-secrets', retry: 'rate-limit', options });
    return data;
  }

  /**
   * Makes a new secret, shown in this answer only; the old one signs alongside it for 24 hours, so receivers can switch.
   * @example
   * ```ts
   * const { secret } = await kairos.signingSecrets.rotate();
   * ```
   */
  async rotate(options?: RequestOptions): Promise<NewSigningSecret> {
    const { data } = await this.transport.json<{ data: NewSigningSecret }>({ method: 'POST', path: '/v1/signing-secrets/rotate', retry: 'rate-limit', options });
    return data;
  }

  /**
   * Revokes a secret: deliveries stop carrying its signature at once.
   * @example
   * ```ts
   * await kairos.signingSecrets.delete('ss_…');
   * ```
   */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.transport.json({ method: 'DELETE', path: `/v1/signing-secrets/${seg(id)}`, retry: 'safe', options });
  }
}
