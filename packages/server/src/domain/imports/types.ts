import type { JobInput } from '../jobDefinition.js';

/** The sources a project can be imported from. */
export const importFormats = ['kairos', 'justrun', 'cronjob-org', 'easycron', 'crontab', 'curl'] as const;
export type ImportFormat = (typeof importFormats)[number];

/**
 * One job of a source, translated: what to create (`job`), or why it is left out (`skipped`: it
 * is not something Kairos runs, such as a crontab line that is not an HTTP call; `error`: it
 * should have been imported but cannot be as it is).
 *
 * `originalId` names the job in its source, so that importing the same source again updates the
 * job it made instead of making another one.
 */
export type ImportedJob =
  | {
      kind: 'job';
      originalId: string;
      originalName: string | null;
      input: JobInput;
      /** `paused`: created paused (a disabled job in its source). */
      status: 'active' | 'paused';
      /** A paused job of a Kairos export that its space's pause paused; otherwise the user did. */
      pausedBy?: 'space';
      /** A Kairos export's next run instant (epoch ms), kept so the schedule resumes where it was. */
      nextRunAt?: number | null;
      /** A Kairos export's `$state` (JSON text). */
      state?: string | null;
      /** A Kairos export's `$previous`: the last answer, as the job's next payload may quote it (JSON text). */
      previous?: string | null;
      /** Fields holding a placeholder for a secret the source did not carry (a masked export). */
      fillIn?: string[];
      /** The space, as the source names it (a Kairos export's space id), for the importer to map. */
      originalSpaceId?: string | null;
    }
  | { kind: 'skipped'; originalId: string | null; originalName: string | null; reason: string }
  | { kind: 'error'; originalId: string | null; originalName: string | null; reason: string };

export const skipped = (originalId: string | null, originalName: string | null, reason: string): ImportedJob => ({ kind: 'skipped', originalId, originalName, reason });
export const failed = (originalId: string | null, originalName: string | null, reason: string): ImportedJob => ({ kind: 'error', originalId, originalName, reason });

/** A whole source could not be read: not a list of jobs, not JSON of the expected shape… */
export class ImportSourceError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** `Authorization: Basic …` for a user and password, as curl's `-u` and the services' auth fields send it. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Headers from `Name: value` lines (EasyCron's `http_headers`, a pasted header block). */
export function headerLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [n, line] of text.split(/\r?\n/).entries()) {
    const colon = line.indexOf(':');
    if (line.trim() === '') continue;
    // Named by its place, not its text, which may be a secret.
    if (colon <= 0) throw new Error(`header line ${n + 1} is not "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string field, or undefined when absent or empty. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}
