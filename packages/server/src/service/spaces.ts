import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { normaliseTimeZone } from '../domain/schedule.js';
import type { Store } from '../store/connect.js';
import { deleteSpace, getSpace, insertSpace, jobIdsInSpace, listSpaces, updateSpace } from '../store/sql/spaces.js';
import type { JobsService } from './jobs.js';
import type { Page } from './page.js';
import { decodeSpace } from '../store/rows.js';

export const spaceNameLength = 50;

function timezoneOf(input: string | undefined, fallback: string): string {
  if (input === undefined) return fallback;
  const zone = normaliseTimeZone(input);
  if (!zone) throw AppError.validation([{ field: 'timezone', issue: `"${input}" is not an IANA time zone` }]);
  return zone;
}

export function createSpacesService({ store, jobs }: { store: Store; jobs: JobsService }) {
  async function load(projectId: string, id: string) {
    const space = await getSpace(store.db, projectId, id);
    if (!space) throw AppError.notFound(`Space ${id}`);
    return space;
  }

  return {
    async create(projectId: string, input: { name: string; timezone?: string }) {
      const now = Date.now();
      const row = { id: newId('sp', now), project_id: projectId, name: input.name, timezone: timezoneOf(input.timezone, 'UTC'), created_at: now, updated_at: now };
      await insertSpace(store.db, row);
      return decodeSpace({ ...row, job_count: 0, active_count: 0, paused_count: 0 });
    },

    async list(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listSpaces(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeSpace), total };
    },

    get: async (projectId: string, id: string) => decodeSpace(await load(projectId, id)),

    /** A new default time zone applies to jobs created in the space from now on. */
    async update(projectId: string, id: string, input: { name?: string; timezone?: string }) {
      const space = await load(projectId, id);
      await updateSpace(store.db, id, { name: input.name ?? space.name, timezone: timezoneOf(input.timezone, space.timezone), updated_at: Date.now() });
      return decodeSpace(await load(projectId, id));
    },

    async remove(projectId: string, id: string): Promise<void> {
      const space = await load(projectId, id);
      if (space.job_count > 0) {
        throw new AppError('conflict', `Space ${id} still holds ${space.job_count} job(s); move or delete them first.`);
      }
      await deleteSpace(store.db, id);
    },

    /** Pauses every active job in the space; they are marked so that resuming the space wakes only them. */
    async pause(projectId: string, id: string) {
      await load(projectId, id);
      const paused = await jobs.pauseOrResumeMany(projectId, await jobIdsInSpace(store.db, id, 'active'), 'pause', 'space');
      return { space: decodeSpace(await load(projectId, id)), jobsAffected: paused };
    },

    /** Resumes the jobs the space's pause paused; jobs paused on their own stay paused. */
    async resume(projectId: string, id: string) {
      await load(projectId, id);
      const resumed = await jobs.pauseOrResumeMany(projectId, await jobIdsInSpace(store.db, id, 'paused', 'space'), 'resume', 'space');
      return { space: decodeSpace(await load(projectId, id)), jobsAffected: resumed };
    },
  };
}

export type SpacesService = ReturnType<typeof createSpacesService>;
