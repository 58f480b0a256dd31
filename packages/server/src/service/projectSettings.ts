import { AppError } from '../domain/errors.js';
import { limits } from '../domain/jobDefinition.js';
import type { Store } from '../store/connect.js';
import { getProject } from '../store/sql/accounts.js';
import { type ProjectSettingsChange, updateProjectSettings } from '../store/sql/projectSettings.js';
import type { Caller } from './caller.js';
import type { PlansService } from './plans.js';
import { decodeProject } from '../store/rows.js';

export interface ProjectSettingsDeps {
  store: Store;
  plans: Pick<PlansService, 'planOf'>;
  /** The target policy's check, the one job URLs pass: events go out as deliveries do. */
  checkUrl: (url: string) => string | null;
}

export interface ProjectSettingsPatch {
  name?: string;
  badgesEnabled?: boolean;
  /** null stops sending events. */
  eventsUrl?: string | null;
}

/** The caller's own project: its name and settings. */
export function createProjectSettingsService({ store, plans, checkUrl }: ProjectSettingsDeps) {
  async function read(projectId: string) {
    const row = await getProject(store.db, projectId);
    if (!row) throw AppError.notFound(`Project ${projectId}`);
    return { project: decodeProject(row), planName: (await plans.planOf(store.db, projectId)).name };
  }

  return {
    get: (caller: Caller) => read(caller.projectId),

    async update(caller: Caller, patch: ProjectSettingsPatch) {
      const change: ProjectSettingsChange = {};
      if (patch.name !== undefined) change.name = patch.name;
      if (patch.badgesEnabled !== undefined) change.badges_enabled = patch.badgesEnabled ? 1 : 0;
      if (patch.eventsUrl !== undefined) {
        if (patch.eventsUrl !== null) {
          const refused = patch.eventsUrl.length > limits.urlLength ? `must be at most ${limits.urlLength} characters` : checkUrl(patch.eventsUrl);
          if (refused) throw AppError.validation([{ field: 'eventsUrl', issue: refused }]);
        }
        change.events_url = patch.eventsUrl;
      }
      if (!(await updateProjectSettings(store.db, caller.projectId, change))) throw AppError.notFound(`Project ${caller.projectId}`);
      return read(caller.projectId);
    },
  };
}

export type ProjectSettingsService = ReturnType<typeof createProjectSettingsService>;
