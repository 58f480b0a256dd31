import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { ExportsService } from '../../../service/exports.js';
import type { ImportsService } from '../../../service/imports.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data } from '../schemas/common.js';
import { ExportQuery, ImportBody, importBodyLimit, ImportResultSchema } from '../schemas/imports.js';
import { importResultView } from '../views.js';

const tags = ['imports'];

export const importRoutes: FastifyPluginAsyncTypebox<{ imports: ImportsService; exports: ExportsService }> = async (app, { imports, exports }) => {
  app.post(
    '/imports',
    {
      schema: {
        tags,
        summary: 'Import jobs from a Kairos export, JustRun, cron-job.org, EasyCron, a crontab or a curl command; each job on its own',
        body: ImportBody,
        response: { 200: Data(ImportResultSchema, 'What was imported, skipped and refused'), ...clientErrors },
      },
      bodyLimit: importBodyLimit,
    },
    async (request) => ({ data: importResultView(await imports.run(callerOf(request), request.body)) }),
  );

  app.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'The project as one versioned JSON document, streamed (with ?history=true, JSON lines: the document, then each execution)',
        querystring: ExportQuery,
        response: { 200: Type.Unknown({ description: 'The export document' }), ...clientErrors },
      },
      // The document can carry the project's secrets.
      config: { scope: 'admin' },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { secrets, history } = request.query;
      const chunks = await exports.open(caller.projectId, { secrets, history });
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .header('content-type', history ? 'application/x-ndjson; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="kairos-${caller.projectId}-${day}.${history ? 'jsonl' : 'json'}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(chunks));
    },
  );
};
