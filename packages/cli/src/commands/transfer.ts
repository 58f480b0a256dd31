import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { detectImportFormat, type ImportRequest, type ImportResult, type ScheduleInput, toCreateJob } from '@kairos/sdk';
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

/** The services `--from` fetches jobs from, and the environment variable holding the user's key for each. */
const services = {
  'cronjob-org': { name: 'cron-job.org', env: 'CRONJOB_ORG_API_KEY' },
  easycron: { name: 'EasyCron', env: 'EASYCRON_API_TOKEN' },
} as const;
type Service = keyof typeof services;

function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${path === '-' ? 'stdin' : path}: ${(err as Error).message}`, ExitCode.usage);
  }
}

function parseSource(text: string, where: string, format: Format): unknown {
  if (!jsonFormats.includes(format)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${where} is not JSON, which --format ${format} needs: ${(err as Error).message}`, ExitCode.usage);
  }
}

/** The user's own crontab, as `crontab -l` prints it. */
function ownCrontab(): string {
  const r = spawnSync('crontab', ['-l'], { encoding: 'utf8' });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(missing ? 'There is no crontab command on this machine: give the crontab as a file, kairos import --crontab FILE.' : `crontab -l failed: ${r.error.message}`, ExitCode.usage);
  }
  if (r.status !== 0) throw new CliError(`crontab -l failed: ${r.stderr.trim() || `exit ${r.status}`}`, ExitCode.failed);
  return r.stdout;
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

interface ImportOptions {
  format?: Format;
  from?: Service;
  crontab?: boolean;
  apiKey?: string;
  space?: string;
  dryRun?: boolean;
  cron?: string;
  every?: string | number;
  at?: string;
  in?: string | number;
  tz?: string;
}

/** The format, source and key the command line asks for, or a usage error saying what is missing. */
function whatToImport(file: string | undefined, options: ImportOptions): { format: Format; source?: unknown; apiKey?: string; what: string } {
  if (options.from !== undefined && options.crontab) throw new CliError('Give either --from or --crontab, not both.', ExitCode.usage);
  if (options.from !== undefined) {
    const service = services[options.from];
    if (file !== undefined) throw new CliError(`--from ${options.from} fetches the jobs from ${service.name}; to import a saved answer of its API, give the file without --from.`, ExitCode.usage);
    if (options.format !== undefined && options.format !== options.from) throw new CliError(`--from ${options.from} and --format ${options.format} disagree.`, ExitCode.usage);
    const apiKey = options.apiKey ?? process.env[service.env];
    if (!apiKey) throw new CliError(`--from ${options.from} needs your ${service.name} API key: give --api-key or set ${service.env}.`, ExitCode.usage);
    return { format: options.from, apiKey, what: `Fetching your jobs from ${service.name}…` };
  }
  if (options.crontab) {
    if (options.format !== undefined && options.format !== 'crontab') throw new CliError(`--crontab and --format ${options.format} disagree.`, ExitCode.usage);
    return { format: 'crontab', source: file === undefined ? ownCrontab() : readText(file), what: 'Reading the crontab…' };
  }
  if (file === undefined) {
    if (options.apiKey !== undefined && (options.format === 'cronjob-org' || options.format === 'easycron')) return { format: options.format, apiKey: options.apiKey, what: `Fetching your jobs from ${services[options.format].name}…` };
    throw new CliError('Give the source: a file, "-" for stdin, --from cronjob-org|easycron, or --crontab [FILE].', ExitCode.usage);
  }
  const where = file === '-' ? 'stdin' : file;
  const text = readText(file);
  if (options.format !== undefined) {
    const request = { format: options.format, source: parseSource(text, where, options.format), what: 'Importing…' };
    return options.apiKey !== undefined ? { ...request, apiKey: options.apiKey } : request;
  }
  const detected = detectImportFormat(text);
  if (!detected) {
    throw new CliError(
      `Cannot tell what ${where} is: it is not a Kairos export, JustRun, cron-job.org or EasyCron JSON, a crontab, or a curl or wget command. Give --format ${formats.join('|')}.`,
      ExitCode.usage,
    );
  }
  return { ...detected, what: 'Importing…' };
}

export function importCommand(): Command {
  const command = new Command('import')
    .description('import jobs from a Kairos export, JustRun, cron-job.org, EasyCron, a crontab or a curl command (exits 1 when an entry failed)')
    .argument('[file]', 'the source: a file, or "-" for stdin; its format is told from its content unless --format names it')
    .addOption(new Option('--format <format>', 'what the source is (without it: told from the content)').choices(formats))
    .addOption(new Option('--from <service>', `fetch your jobs from the service, with --api-key or the key in ${services['cronjob-org'].env} (cron-job.org) or ${services.easycron.env} (EasyCron)`).choices(Object.keys(services)))
    .option('--crontab', 'import a crontab: FILE, or without one your own (crontab -l)')
    .option('--api-key <key>', `the key --from fetches with (default: $${services['cronjob-org'].env} or $${services.easycron.env})`)
    .option('--space <id>', 'put every imported job in this space')
    .option('--dry-run', 'show what the import would do, and write nothing')
    .option('--cron <expression>', 'curl: run the call on this cron expression')
    .addOption(new Option('--every <duration>', 'curl: run the call every so often ("5m")').argParser(duration))
    .option('--at <instant>', 'curl: run the call once, at this ISO-8601 instant')
    .addOption(new Option('--in <duration>', 'curl: run the call once, after this delay ("10m")').argParser(duration))
    .option('--tz <zone>', 'curl: the IANA time zone of --cron or --every')
    .action(async (file: string | undefined, options: ImportOptions, cmd: Command) => {
      const out = outputOf(cmd);
      const { format, source, apiKey, what } = whatToImport(file, options);
      if (apiKey !== undefined && format !== 'cronjob-org' && format !== 'easycron') throw new CliError('--api-key goes with --from cronjob-org|easycron.', ExitCode.usage);
      const request: ImportRequest = { format };
      if (source !== undefined) request.source = source;
      if (apiKey !== undefined) request.apiKey = apiKey;
      if (options.space !== undefined) request.spaceId = options.space;
      if (options.dryRun) request.dryRun = true;
      const when = { runAt: options.at, runIn: options.in, cron: options.cron, every: options.every };
      const given = Object.values(when).filter((v) => v !== undefined).length;
      if (given > 1) throw new CliError('Give one of --cron, --every, --at, --in.', ExitCode.usage);
      if (given === 1) {
        if (format !== 'curl') throw new CliError(`--cron, --every, --at and --in go with a curl command (a ${format} source carries its own schedules).`, ExitCode.usage);
        request.schedule = toCreateJob({ ...when, ...(options.tz ? { timezone: options.tz } : {}) } as ScheduleInput).schedule;
      } else if (format === 'curl') {
        throw new CliError('A curl command needs a schedule: give --cron, --every, --at or --in.', ExitCode.usage);
      }
      out.progress(apiKey !== undefined ? what : options.dryRun ? 'Checking the import…' : 'Importing…');
      const result = await clientOf().imports.create(request);
      out.result(result, () => showImport(out, result));
      if (result.errors.length > 0 || (result.project?.errors.length ?? 0) > 0) process.exitCode = ExitCode.failed;
    });
  return examples(
    command,
    'kairos import backup.json',
    'kairos import --crontab --dry-run',
    'kairos import --from cronjob-org --api-key "$MY_KEY" --space sp_01J…',
    'EASYCRON_API_TOKEN=… kairos import --from easycron',
    'kairos import jobs.json --format justrun',
    "echo \"curl -X POST https://example.com/hook -d '{\\\"a\\\":1}'\" | kairos import - --cron '0 9 * * 1-5' --tz Europe/Berlin",
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
