import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SigningSecretsService } from '../../../service/signingSecrets.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data, IdParams, NoContent } from '../schemas/common.js';
import { NewSigningSecret, SigningSecret } from '../schemas/signingSecrets.js';
import { Type } from 'typebox';
import { newSigningSecretView, signingSecretView } from '../views.js';

const tags = ['signing-secrets'];

/** The project's secrets for signing deliveries: listing takes the read scope, changing them write. */
export const signingSecretRoutes: FastifyPluginAsyncTypebox<{ secrets: SigningSecretsService }> = async (app, { secrets }) => {
  app.get(
    '/signing-secrets',
    { schema: { tags, summary: "The project's live signing secrets (never the secrets themselves)", response: { 200: Data(Type.Array(SigningSecret)), ...clientErrors } } },
    async (request) => ({ data: (await secrets.list(callerOf(request))).map(signingSecretView) }),
  );

  app.post(
    '/signing-secrets',
    { schema: { tags, summary: "The project's first signing secret, shown once", response: { 201: Data(NewSigningSecret), ...clientErrors } } },
    async (request, reply) => reply.status(201).send({ data: newSigningSecretView(await secrets.create(callerOf(request))) }),
  );

  app.post(
    '/signing-secrets/rotate',
    { schema: { tags, summary: 'A new signing secret, shown once; the previous one keeps signing for 24 hours', response: { 201: Data(NewSigningSecret), ...clientErrors } } },
    async (request, reply) => reply.status(201).send({ data: newSigningSecretView(await secrets.rotate(callerOf(request))) }),
  );

  app.delete(
    '/signing-secrets/:id',
    { schema: { tags, summary: 'Revoke a signing secret at once', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await secrets.revoke(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
};
