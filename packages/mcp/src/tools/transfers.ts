import type { ImportRequest, ImportResult } from '@kairos/sdk';
import { z } from 'zod';
import * as schemas from '../generated/schemas.js';
import { defineTool, fromOpenApi, maxListItems } from '../tool.js';
import { scheduleOf, when } from './jobs.js';

/** The formats whose source is JSON; the others are text (a crontab, a curl command). */
const jsonFormats = new Set(['kairos', 'justrun', 'cronjob-org', 'easycron']);
/** An export longer than this is not put in the model's context: it says how to get the file instead. */
export const maxExportChars = 100_000;

/**
 * A model often holds a JSON file as the text it read; the API takes the JSON itself, so text of a
 * JSON format is parsed here, and a text that is not JSON is the model's mistake to fix.
 */
function sourceOf(format: string, source: unknown): unknown {
  if (typeof source !== 'string' || !jsonFormats.has(format)) return source;
  try {
    return JSON.parse(source);
  } catch {
    throw new TypeError(`source: a ${format} source is JSON, and this text is not JSON; give the file's JSON (an object or array) or its exact text`);
  }
}

/** The result's lists cut to `maxListItems` each, with a note naming what was cut. */
function cut(result: ImportResult): { result: ImportResult; note?: string } {
  const lists = ['jobs', 'jobIds', 'skippedEntries', 'errors'] as const;
  const long = lists.filter((k) => result[k].length > maxListItems);
  if (long.length === 0) return { result };
  const shorter = { ...result };
  for (const k of long) (shorter as Record<string, unknown>)[k] = result[k].slice(0, maxListItems);
  const said = long.map((k) => `${k} (${maxListItems} of ${result[k].length})`).join(', ');
  return { result: shorter, note: `Only the first ${maxListItems} items of ${said} are shown; the counts (imported, created, updated, skipped) are whole. list_jobs finds the jobs.` };
}

export const importJobs = defineTool({
  name: 'import_jobs',
  title: 'Import jobs',
  description:
    'Imports jobs from a Kairos export, a JustRun, cron-job.org or EasyCron job list, a crontab, or a curl command (with cron, every, runAt or runIn saying when it runs). ' +
    'Each entry is imported on its own: what is skipped and what fails come back with the reason. Call it with dryRun: true first to see what each entry would become, writing nothing. ' +
    'Importing the same source again updates the jobs it made instead of duplicating them.',
  readOnly: false,
  idempotent: true,
  input: {
    format: fromOpenApi(schemas.importFormat).describe('What the source is: kairos (an export_project document), justrun, cronjob-org, easycron (their JSON job lists), crontab (its text), curl (one command)'),
    source: z
      .unknown()
      .optional()
      .describe('The crontab or curl command as text; for the JSON formats, the JSON (an object or array, or its text). Not needed with serviceApiKey'),
    serviceApiKey: z.string().min(1).optional().describe('cronjob-org or easycron only: an API key of that service, to fetch the jobs from it instead of giving source'),
    ...when,
    spaceId: z.string().optional().describe('Put every imported job in this space (sp_…, see list_spaces)'),
    dryRun: z.boolean().default(false).describe('true: answer what the import would do (each entry as a job, what is skipped and why, what fails) and write nothing'),
  },
  output: { import: fromOpenApi(schemas.importResult).describe('What was (or, in a dry run, would be) imported, skipped and refused') },
  async run(kairos, { format, source, serviceApiKey, cron, every, runAt, runIn, timezone, spaceId, dryRun }) {
    const schedule = scheduleOf({ cron, every, runAt, runIn, timezone });
    const request = {
      format,
      ...(source !== undefined ? { source: sourceOf(format as string, source) } : {}),
      ...(serviceApiKey !== undefined ? { apiKey: serviceApiKey } : {}),
      ...(schedule ? { schedule } : {}),
      ...(spaceId !== undefined ? { spaceId } : {}),
      dryRun,
    } as ImportRequest;
    const { result, note } = cut(await kairos.imports.create(request));
    return { result: { import: result }, ...(note ? { note } : {}) };
  },
});

export const exportProject = defineTool({
  name: 'export_project',
  title: 'Export the project',
  description:
    'The whole project as one versioned JSON document: its jobs, spaces, alert channels and rules, inbound webhooks and settings, to back it up or move it (import_jobs with format "kairos" takes it back). ' +
    'Needs an API key with the admin scope. Secrets are masked unless secrets is true.',
  readOnly: true,
  input: {
    secrets: z.boolean().default(false).describe('Include secrets in full (webhook URLs, bot tokens, signing secrets, credential headers); default false masks them'),
  },
  output: {
    counts: z.record(z.string(), z.number().int()).describe('How many of each part the document holds (jobs, spaces, alertChannels …)'),
    document: z.record(z.string(), z.unknown()).optional().describe('The export document; left out, with a note, when too long to return here'),
  },
  async run(kairos, { secrets }) {
    const document = await kairos.exports.get({ secrets });
    const counts = Object.fromEntries(Object.entries(document).flatMap(([k, v]) => (Array.isArray(v) ? [[k, v.length]] : [])));
    const size = JSON.stringify(document).length;
    if (size > maxExportChars) {
      return {
        result: { counts },
        note: `The document is ${size} characters, more than the ${maxExportChars} returned here. Save it to a file instead: "kairos export project.json" with the CLI, or GET /v1/export with an admin key.`,
      };
    }
    return { result: { counts, document } };
  },
});
