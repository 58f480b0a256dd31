import { signingKey } from '../delivery/signature.js';
import type { Dialect } from '../store/dialect.js';
import type { Executor } from '../store/sql/executor.js';
import { liveSigningSecrets } from '../store/sql/signingSecrets.js';

interface ProjectKeys {
  keys: Buffer[];
  /** The newest live secret's text as shown to the user, for styles keyed with it (Runner's). */
  newestText: Buffer | null;
  /** The earliest instant one of them expires. */
  until: number;
  loadedAt: number;
}

/**
 * How long a project's secrets are trusted before they are read again: a rotation or a revocation
 * made on another node takes effect within this time (on this node, at once).
 */
export const signingKeysFreshForMs = 2_000;

/**
 * The live signing keys of each project, read with the claim (one query per batch of projects)
 * and again when older than `signingKeysFreshForMs`, so a delivery costs no query.
 */
export class SigningKeys {
  private readonly projects = new Map<string, ProjectKeys>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Raised by `forget`: a read that began before it does not overwrite what it dropped. */
  private readonly generations = new Map<string, number>();

  /** The keys to sign with now, or undefined when they must be read first (`refresh`). */
  get(projectId: string, now: number): Buffer[] | undefined {
    const p = this.projects.get(projectId);
    if (!p || now - p.loadedAt > signingKeysFreshForMs || now >= p.until) return undefined;
    return p.keys;
  }

  /** The keys last read, however old: what to sign with when the database cannot be read. */
  lastKnown(projectId: string): Buffer[] | undefined {
    return this.projects.get(projectId)?.keys;
  }

  /** The newest live secret's text of a project as last read (read with its keys), if any. */
  newestText(projectId: string): Buffer | null {
    return this.projects.get(projectId)?.newestText ?? null;
  }

  /** Reads the secrets of the projects that are not fresh; concurrent reads of one project are shared. */
  async refresh(db: Executor, dialect: Dialect, projectIds: Iterable<string>, now: number): Promise<void> {
    const waits: Promise<void>[] = [];
    const stale: string[] = [];
    for (const id of new Set(projectIds)) {
      const pending = this.loading.get(id);
      if (pending) waits.push(pending);
      else if (this.get(id, now) === undefined) stale.push(id);
    }
    if (stale.length > 0) {
      const generation = new Map(stale.map((id) => [id, this.generations.get(id) ?? 0]));
      const load = (async () => {
        const rows = await liveSigningSecrets(db, dialect, stale, now);
        const fresh = new Map<string, ProjectKeys>(stale.map((id) => [id, { keys: [], newestText: null, until: Infinity, loadedAt: now }]));
        for (const row of rows) {
          const p = fresh.get(row.project_id)!;
          p.keys.push(signingKey(row.secret));
          // Oldest first: the last one read is the newest.
          p.newestText = Buffer.from(row.secret, 'utf8');
          if (row.expires_at !== null) p.until = Math.min(p.until, row.expires_at);
        }
        if (this.projects.size > 100_000) this.projects.clear();
        for (const [id, p] of fresh) if ((this.generations.get(id) ?? 0) === generation.get(id)) this.projects.set(id, p);
      })().finally(() => {
        for (const id of stale) if (this.loading.get(id) === load) this.loading.delete(id);
      });
      for (const id of stale) this.loading.set(id, load);
      waits.push(load);
    }
    await Promise.all(waits);
  }

  /** Drops what is known of a project, so its next delivery reads its secrets again. */
  forget(projectId: string): void {
    this.projects.delete(projectId);
    this.loading.delete(projectId);
    if (this.generations.size > 100_000) this.generations.clear();
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
  }
}
