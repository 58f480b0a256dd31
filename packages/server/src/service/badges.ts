import { type Badge, renderBadge, statusBadge, unknownBadge, uptimeBadge } from '../domain/badge.js';
import { firstIdAt } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import { countExecutionsByStatus, getBadgeFacts } from '../store/sql/badges.js';

export const uptimeWindowMs = 30 * 24 * 60 * 60 * 1000;

/**
 * Public badges: the job id is the only token, so an unknown job and a project whose badges are
 * off look alike (a grey "unknown"), and nothing tells which ids exist.
 */
export function createBadgesService({ store }: { store: Store }) {
  async function facts(jobId: string) {
    const row = await getBadgeFacts(store.db, jobId);
    return row && row.badges_enabled === 1 ? row : undefined;
  }

  return {
    async status(jobId: string): Promise<string> {
      const row = await facts(jobId);
      return renderBadge(statusBadge(row && { status: row.status, lastStatus: row.last_status }));
    },

    async uptime(jobId: string, now = Date.now()): Promise<string> {
      let badge: Badge = unknownBadge('uptime');
      if (await facts(jobId)) {
        // Execution ids begin with the instant they were recorded; this is the smallest of `now - 30 days`.
        const since = firstIdAt('exe', now - uptimeWindowMs);
        badge = uptimeBadge(await countExecutionsByStatus(store.db, jobId, since));
      }
      return renderBadge(badge);
    },
  };
}

export type BadgesService = ReturnType<typeof createBadgesService>;
