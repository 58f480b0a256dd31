import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type ImportRequest, type ImportResult, type ScheduleInput, toCreateJob } from '@kairos/sdk';
import { Command, InvalidArgumentError, Option } from 'commander';
import { clientOf, examples, outputOf } from '../context.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { type Column, type Output, relative } from '../output.js';

type Format = ImportRequest['format'];
/** Sources that are JSON documents; the others (crontab, curl) are text. */
const jsonFormats: Format[] = ['kairos', 'justrun', 'cronjob-org', 'easycron'];
const formats: Format[] = ['kairos', 'justrun', 'cronjob-org', 'easycron', 'crontab', 'curl'];

type ImportedJob = ImportResult['jobs'][number];
const importColumns: Column<ImportedJob>[] = [
  { header: '#', value: (j) => j.index },
  { header: 'outcome', value: (j) => j.outcome },
  { header: 'id', value: (j) => j.id },
  { header: 'name', value: (j) => j.name ?? j.originalName },
  { header: 'method', value: (j) => j.method },
  { header: 'target', value: (j) => j.url ?? j.destination },
  { header: 'schedule', value: (j) => j.scheduleDescription },
  { header: 'status', value: (j) => j.status, status: true },
  { header: 'next run', value: (j) => relative(j.nextRunAt) },
];

const duration = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);

function readSource(path: string | undefined, format: Format): unknown {
  if (path === undefined) return undefined;
  const where = path === '-' ? 'stdin' : path;
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${where}: ${(err as Error).message}`, ExitCode.usage);
  }
  if (!jsonFormats.includes(format)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${where} is not JSON, which --format ${format} needs: ${(err as Error).message}`, ExitCode.usage);
  }
}

function showImport(out: Output, result: ImportResult): void {
  out.table(result.jobs, importColumns, 'No jobs in the source.');
  for (const e of result.skippedEntries) out.note(`skipped #${e.index}${e.originalName ? ` (${e.originalName})` : ''}: ${e.reason}`);
  for (const e of result.errors) out.note(out.paint(`error #${e.index}${e.originalName ? ` (${e.originalName})` : ''}: ${e.reason}`, 'red', process.stderr));
  for (const f of result.toFillIn) out.note(`to fill in: ${f.what} ${f.name ?? f.originalId}${f.id ? ` (${f.id})` : ''}: ${f.fields.join(', ')}`);
  for (const e of result.project?.errors ?? []) out.note(out.paint(`error: ${e.what} ${e.name ?? e.originalId ?? ''}: ${e.reason}`, 'red', process.stderr));
  const verb = result.dryRun ? 'Would import' : 'Imported';
  out.note(`${verb} ${result.imported} (${result.created} new, ${result.updated} updated), skipped ${result.skipped}, ${result.errors.length} failed${result.dryRun ? '; nothing was written (dry run)' : ''}.`);
}

export function importCommand(): Command {
  const command = new Command('import')
    .description('import jobs from a Kairos export, JustRun, cron-job.org, EasyCron, a crontab or a curl command (exits 1 when an entry failed)')
    .argument('[file]', 'the source: a file, or "-" for stdin (cronjob-org and easycron may give --api-key instead)')
    .addOption(new Option('--format <format>', 'what the source is').choices(formats).makeOptionMandatory())
    .option('--api-key <key>', 'cronjob-org, easycron: fetch the jobs from the service with this key')
    .option('--space <id>', 'put every imported job in this space')
    .option('--dry-run', 'show what the import would do, and write nothing')
    .option('--cron <expression>', 'curl: run the call on this cron expression')
    .addOption(new Option('--every <duration>', 'curl: run the call every so often ("5m")').argParser(duration))
    .option('--at <instant>', 'curl: run the call once, at this ISO-8601 instant')
    .addOption(new Option('--in <duration>', 'curl: run the call once, after this delay ("10m")').argParser(duration))
    .option('--tz <zone>', 'curl: the IANA time zone of --cron or --every')
    .action(async (file: string | undefined, options: { format: Format; apiKey?: string; space?: string; dryRun?: boolean; cron?: string; every?: string | number; at?: string; in?: string | number; tz?: string }, cmd: Command) => {
      const out = outputOf(cmd);
      if (file === undefined && options.apiKey === undefined) throw new CliError('Give the source: a file, "-" for stdin, or --api-key for cronjob-org and easycron.', ExitCode.usage);
      const request: ImportRequest = { format: options.format };
      const source = readSource(file, options.format);
      if (source !== undefined) request.source = source;
      if (options.apiKey !== undefined) request.apiKey = options.apiKey;
      if (options.space !== undefined) request.spaceId = options.space;
      if (options.dryRun) request.dryRun = true;
      const when = { runAt: options.at, runIn: options.in, cron: options.cron, every: options.every };
      const given = Object.values(when).filter((v) => v !== undefined).length;
      if (given > 1) throw new CliError('Give one of --cron, --every, --at, --in.', ExitCode.usage);
      if (given === 1) {
        if (options.format !== 'curl') throw new CliError('--cron, --every, --at and --in go with --format curl (the other sources carry their schedules).', ExitCode.usage);
        request.schedule = toCreateJob({ ...when, ...(options.tz ? { timezone: options.tz } : {}) } as ScheduleInput).schedule;
      } else if (options.format === 'curl') {
        throw new CliError('A curl command needs a schedule: give --cron, --every, --at or --in.', ExitCode.usage);
      }
      out.progress(options.dryRun ? 'Checking the import…' : 'Importing…');
      const result = await clientOf().imports.create(request);
      out.result(result, () => showImport(out, result));
      if (result.errors.length > 0 || (result.project?.errors.length ?? 0) > 0) process.exitCode = ExitCode.failed;
    });
  return examples(
    command,
    'kairos import backup.json --format kairos',
    'crontab -l | kairos import - --format crontab --dry-run',
    'kairos import --format cronjob-org --api-key "$CRONJOB_ORG_KEY" --space sp_01J…',
    "echo \"curl -X POST https://example.com/hook -d '{\\\"a\\\":1}'\" | kairos import - --format curl --cron '0 9 * * 1-5' --tz Europe/Berlin",
  );
}

export function exportCommand(): Command {
  const command = new Command('export')
    .description('export the project (jobs, spaces, alerts, inbound webhooks, settings) as one JSON document; needs an admin key')
    .argument('[file]', 'write it to this file (without one, or with "-": to stdout)')
    .option('--secrets', 'include secrets in full (the file is then made readable by you only)')
    .option('--history', 'follow the document with every execution, as JSON lines')
    .action(async (file: string | undefined, options: { secrets?: boolean; history?: boolean }, cmd: Command) => {
      const out = outputOf(cmd);
      const body = await clientOf().exports.stream({ secrets: Boolean(options.secrets), history: Boolean(options.history) });
      const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
      if (file === undefined || file === '-') {
        // The export is already one JSON document (or JSON lines): it is the output, --json or not.
        await pipeline(source, process.stdout, { end: false });
        return;
      }
      let bytes = 0;
      source.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        out.progress(`Exporting: ${Math.round(bytes / 1024)} KiB`);
      });
      await pipeline(source, createWriteStream(file, { mode: options.secrets ? 0o600 : 0o644 }));
      out.result({ file, bytes, secrets: Boolean(options.secrets), history: Boolean(options.history) }, () => out.line(`Exported to ${file} (${bytes} bytes${options.secrets ? ', secrets included' : ', secrets masked'}).`));
    });
  return examples(command, 'kairos export backup.json', 'kairos export --secrets backup.json', 'kairos export --history project.jsonl', 'kairos export | jq ".jobs | length"');
}
