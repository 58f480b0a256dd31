import { Type } from 'typebox';
import { nullable, Timestamp } from './common.js';

// Response shapes, one per view in api/v1/views.ts; every field listed, or serialization drops it.

const signingSecretFields = {
  id: Type.String({ description: 'ss_…' }),
  lastFour: Type.String({ description: 'The last four characters of the secret' }),
  createdAt: Timestamp,
  expiresAt: nullable(Timestamp),
};

export const SigningSecret = Type.Object(signingSecretFields, { description: 'A live signing secret; expiresAt is set once a rotation replaced it' });

/** A secret just made: the one response that carries it. */
export const NewSigningSecret = Type.Object({
  ...signingSecretFields,
  secret: Type.String({ description: 'whsec_…, shown this once: the key for Standard Webhooks verification' }),
});
