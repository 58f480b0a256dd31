import { type Static, Type } from 'typebox';
import { importFormats } from '../../../domain/imports/types.js';
import { nullable, StringEnum } from './common.js';

/** An export of a big project, or a big crontab, is well over a job's 1 MiB. */
export const importBodyLimit = 32 * 1024 * 1024;

export const ImportBody = Type.Object(
  {
    format: StringEnum(importFormats, { description: 'kairos (an export), justrun, cronjob-org, easycron, crontab, curl' }),
    source: Type.Optional(
      Type.Unknown({ description: 'What is imported: the text of a crontab or a curl command, or the JSON of the others (an export, a service\'s job list)' }),
    ),
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'cronjob-org, easycron: fetch the jobs from the service with this key instead of giving source' })),
    schedule: Type.Optional(Type.Unknown({ description: 'curl: when the call runs, any schedule form of a job' })),
    spaceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Every imported job goes to this space' })),
    dryRun: Type.Optional(Type.Boolean({ description: 'Answer what the import would do, writing nothing' })),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

const Entry = Type.Object({
  index: Type.Integer({ description: 'Position of the entry in the source (crontab: among its entries)' }),
  originalName: nullable(Type.String()),
  reason: Type.String(),
});

export const ImportResultSchema = Type.Object({
  dryRun: Type.Boolean(),
  imported: Type.Integer({ description: 'Jobs created or updated' }),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer({ description: 'Entries left out: not an HTTP job, or unchanged since the last import' }),
  skippedEntries: Type.Array(Entry),
  errors: Type.Array(Entry),
  jobIds: Type.Array(Type.String(), { description: 'The jobs made or kept up to date, in source order; empty for a dry run' }),
  jobs: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the entry in the source' }),
      originalName: nullable(Type.String()),
      outcome: StringEnum(['created', 'updated', 'unchanged'] as const),
      id: nullable(Type.String({ description: 'The job; null in a dry run' })),
      name: nullable(Type.String()),
      method: Type.String(),
      url: nullable(Type.String({ description: 'null for a built-in destination' })),
      destination: nullable(Type.String({ description: 'The built-in destination\'s type (slack, discord, telegram, email)' })),
      schedule: Type.Unknown({ description: 'As a job shows it' }),
      scheduleDescription: Type.String(),
      status: Type.String(),
      spaceId: nullable(Type.String()),
      nextRunAt: nullable(Type.String({ format: 'date-time' })),
    }),
    { description: 'What each imported entry is (or, in a dry run, would be), without its headers or body: a preview, or a summary table' },
  ),
  toFillIn: Type.Array(
    Type.Object({
      what: StringEnum(['job', 'alertChannel', 'alertRule', 'inboundWebhook'] as const),
      originalId: Type.String(),
      name: nullable(Type.String()),
      fields: Type.Array(Type.String()),
      id: nullable(Type.String({ description: 'What was made (a job stays paused until filled in); null when nothing could be' })),
    }),
    { description: 'Secrets an export without secrets did not carry' },
  ),
  project: Type.Optional(
    Type.Object({
      spaces: Type.Integer(),
      alertChannels: Type.Integer(),
      alertRules: Type.Integer(),
      inboundWebhooks: Type.Integer(),
      signingSecrets: Type.Integer(),
      settings: Type.Boolean(),
      errors: Type.Array(
        Type.Object({
          what: StringEnum(['space', 'alertChannel', 'alertRule', 'inboundWebhook', 'settings', 'signingSecret'] as const),
          originalId: nullable(Type.String()),
          name: nullable(Type.String()),
          reason: Type.String(),
        }),
        { description: 'Parts of the export that could not be made, each on its own' },
      ),
    }, { description: 'What else a Kairos export brought' }),
  ),
});

export const ExportQuery = Type.Object(
  {
    secrets: Type.Boolean({ default: false, description: 'Include secrets in full (channel and destination webhook URLs, bot tokens, signing secrets, credential headers)' }),
    history: Type.Boolean({ default: false, description: 'Follow the document with every execution, one JSON line each (application/x-ndjson)' }),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;
