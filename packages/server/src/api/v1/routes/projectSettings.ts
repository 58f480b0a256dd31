import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ProjectSettingsService } from '../../../service/projectSettings.js';
import { callerOf } from '../../authenticate.js';
import { clientErrors, Data } from '../schemas/common.js';
import { PatchProjectBody, ProjectSettings } from '../schemas/projectSettings.js';
import { projectSettingsView } from '../views.js';

const tags = ['projects'];

/** The project the caller acts on (its key's, or the one `Kairos-Project` names): its name and settings. */
export const projectSettingsRoutes: FastifyPluginAsyncTypebox<{ settings: ProjectSettingsService }> = async (app, { settings }) => {
  app.get(
    '/project',
    { schema: { tags, summary: "The caller's current project and its settings", response: { 200: Data(ProjectSettings), ...clientErrors } } },
    async (request) => ({ data: projectSettingsView(await settings.get(callerOf(request))) }),
  );

  app.patch(
    '/project',
    {
      schema: {
        tags,
        summary: "Rename the caller's project or change its settings (badges, events URL)",
        body: PatchProjectBody,
        response: { 200: Data(ProjectSettings), ...clientErrors },
      },
    },
    async (request) => ({ data: projectSettingsView(await settings.update(callerOf(request), request.body)) }),
  );
};
