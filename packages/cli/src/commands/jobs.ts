import { readFileSync } from 'node:fs';
import { type CreateJob, type Job, type ListJobsQuery, toCreateJob, type ScheduleInput, type UpdateJob } from '@kairos/sdk';
import { Command, InvalidArgumentError, Option } from 'commander';
import { clientOf, collect, examples, moreNote, outputOf, positiveInteger } from '../context.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { type Column, type Output, relative } from '../output.js';
import { ask } from '../prompt.js';
import { scheduleSummary } from '../describe.js';

export const jobColumns: Column<Job>[] = [
  { header: 'id', value: (j) => j.id },
  { header: 'name', value: (j) => j.name },
  { header: 'status', value: (j) => j.status, status: true },
  { header: 'schedule', value: (j) => scheduleSummary(j.schedule) },
  { header: 'next run', value: (j) => relative(j.nextRunAt) },
  { header: 'last', value: (j) => (j.lastStatus ? `${j.lastStatus}${j.lastStatusCode ? ` ${j.lastStatusCode}` : ''} ${relative(j.lastRunAt)}` : '-') },
  { header: 'target', value: (j) => j.url ?? j.destination?.type },
];

export function showJob(out: Output, job: Job): void {
  out.fields([
    ['id', job.id],
    ['name', job.name],
    ['status', out.paint(job.status, job.status === 'active' ? 'green' : job.status === 'paused' ? 'yellow' : job.status === 'failed' ? 'red' : 'gray')],
    ['target', job.url ? `${job.method} ${job.url}` : job.destination?.type],
    ['schedule', scheduleSummary(job.schedule)],
    ['next run', job.nextRunAt ? `${job.nextRunAt} (${relative(job.nextRunAt)})` : '-'],
    ['last run', job.lastRunAt ? `${job.lastStatus} ${job.lastStatusCode ?? ''} at ${job.lastRunAt}` : '-'],
    ['tags', job.tags],
    ['space', job.spaceId],
    ['retries', `${job.retryPolicy.maxRetries} (${job.retryPolicy.strategy})`],
    ['timeout', `${job.timeoutMs} ms`],
    ['created', job.createdAt],
  ]);
}

const json = (what: string) => (value: string) => {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new InvalidArgumentError(`${what} must be JSON.`);
  }
};
const header = (value: string, previous: Record<string, string> = {}) => {
  const at = value.indexOf(':');
  if (at < 1) throw new InvalidArgumentError('a header is "Name: value".');
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
};
const repeat = (value: string, previous: string[] = []) => [...previous, value];
const number = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || !/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number.');
  return n;
};
const duration = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);
const weekly = (value: string) => {
  const m = /^([a-z]+)\s+(\d{1,2}):(\d{2})$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('a weekly slot is "<day> HH:MM", e.g. "monday 09:30".');
  return { day: m[1]!.toLowerCase(), hour: Number(m[2]), minute: Number(m[3]) };
};

interface DefinitionOptions {
  url?: string;
  method?: string;
  header?: Record<string, string>;
  payload?: unknown;
  body?: string;
  name?: string;
  description?: string;
  tag?: string[];
  space?: string;
  timeout?: number;
  retries?: number;
  at?: string;
  in?: string | number;
  cron?: string;
  every?: string | number;
  preset?: string;
  daily?: string;
  weekly?: { day: string; hour: number; minute: number };
  tz?: string;
  file?: string;
}

/** The options that define a job, shared by `create` and `edit`. */
function definitionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the target URL (http or https)')
    .option('--method <method>', 'GET POST PUT PATCH DELETE HEAD OPTIONS (default POST with a body or for a one-time job, else GET)')
    .option('-H, --header <header>', 'a request header "Name: value" (repeatable)', header)
    .addOption(new Option('--payload <json>', 'a JSON payload, sent as application/json').argParser(json('--payload')).conflicts('body'))
    .option('--body <text>', 'a body sent as it is')
    .option('--name <name>', 'a name')
    .option('--description <text>', 'a description')
    .option('--tag <tag>', 'a tag (repeatable)', repeat)
    .option('--space <id>', 'the space it belongs to')
    .addOption(new Option('--timeout <ms>', 'milliseconds an attempt may take (1000-300000)').argParser(number))
    .addOption(new Option('--retries <n>', 'retries after a failed attempt (0-10)').argParser(number))
    .option('--at <instant>', 'once, at this ISO-8601 instant')
    .addOption(new Option('--in <duration>', 'once, after this delay: "10m", "1h30m" or milliseconds').argParser(duration))
    .option('--cron <expression>', 'on a cron expression ("0 9 * * 1-5", "@daily")')
    .addOption(new Option('--every <duration>', 'every so often: "30s", "5m" or milliseconds').argParser(duration))
    .option('--preset <name>', 'midnight, morning, evening, startOfMonth or endOfMonth')
    .option('--daily <times>', 'every day at these times, "08:00,14:30"')
    .addOption(new Option('--weekly <slot>', 'once a week, "monday 09:30"').argParser(weekly))
    .option('--tz <zone>', 'IANA time zone of a recurring schedule (default UTC, or the space\'s)')
    .option('-f, --file <path>', 'a job as JSON (the POST /v1/jobs body; "-" reads stdin); the options above override its fields');
}

/** The fields the options give, and the schedule when one of the "when" options is there. */
function definitionOf(options: DefinitionOptions): { fields: Partial<CreateJob>; schedule?: CreateJob['schedule'] } {
  const fields: Partial<CreateJob> = {};
  if (options.url !== undefined) fields.url = options.url;
  if (options.method !== undefined) fields.method = options.method.toUpperCase();
  if (options.header !== undefined) fields.headers = options.header;
  if (options.payload !== undefined) fields.payload = options.payload;
  if (options.body !== undefined) fields.body = options.body;
  if (options.name !== undefined) fields.name = options.name;
  if (options.description !== undefined) fields.description = options.description;
  if (options.tag !== undefined) fields.tags = options.tag;
  if (options.space !== undefined) fields.spaceId = options.space;
  if (options.timeout !== undefined) fields.timeoutMs = options.timeout;
  if (options.retries !== undefined) fields.retryPolicy = { maxRetries: options.retries };
  const when: Partial<ScheduleInput> = {};
  if (options.at !== undefined) when.runAt = options.at;
  if (options.in !== undefined) when.runIn = options.in;
  if (options.cron !== undefined) when.cron = options.cron;
  if (options.every !== undefined) when.every = options.every;
  if (options.preset !== undefined) when.runEvery = options.preset;
  if (options.daily !== undefined) when.runEvery = options.daily.split(',').map((t) => t.trim());
  if (options.weekly !== undefined) when.runEvery = options.weekly as ScheduleInput['runEvery'];
  const given = ['at', 'in', 'cron', 'every', 'preset', 'daily', 'weekly'].filter((k) => options[k as keyof DefinitionOptions] !== undefined);
  if (given.length > 1) throw new CliError(`Give one schedule, not ${given.map((g) => `--${g}`).join(' and ')}.`, ExitCode.usage);
  if (given.length === 0) {
    if (options.tz !== undefined) throw new CliError('--tz goes with a recurring schedule (--cron, --every, --preset, --daily, --weekly).', ExitCode.usage);
    return { fields };
  }
  const { schedule } = toCreateJob({ ...when, ...(options.tz !== undefined ? { timezone: options.tz } : {}) } as ScheduleInput);
  return { fields, schedule };
}

function readJobFile(path: string): Record<string, unknown> {
  const text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new CliError(`${path === '-' ? 'stdin' : path} is not a JSON object: ${(err as Error).message}`, ExitCode.usage);
  }
}

/** Runs `action` on each id, one after the other, with progress; a failure stops the rest. */
async function eachId<T>(out: Output, ids: string[], verb: string, action: (id: string) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const [i, id] of ids.entries()) {
    if (ids.length > 1) out.progress(`${verb} ${i + 1} of ${ids.length}: ${id}`);
    results.push(await action(id));
  }
  out.stopProgress();
  return results;
}

export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('list, create, change, run and delete jobs');
  examples(jobs, 'kairos jobs list', 'kairos jobs create --url https://example.com/hook --every 5m');

  const list = new Command('list')
    .alias('ls')
    .description('list jobs, newest first')
    .addOption(new Option('--status <status>', 'only jobs in this state').choices(['active', 'paused', 'completed', 'failed', 'cancelled']))
    .option('--tag <tag>', 'only jobs with this tag')
    .option('--space <id>', 'only jobs in this space')
    .option('--search <text>', 'only jobs whose name or URL contains this')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(50))
    .action(async (options: { status?: ListJobsQuery['status']; tag?: string; space?: string; search?: string; limit: number }, cmd: Command) => {
      const out = outputOf(cmd);
      const query: ListJobsQuery = { perPage: Math.min(100, options.limit) };
      if (options.status) query.status = options.status;
      if (options.tag) query.tag = options.tag;
      if (options.space) query.spaceId = options.space;
      if (options.search) query.q = options.search;
      const { items, total } = await collect(clientOf().jobs.list(query), options.limit, out, 'jobs');
      out.result(items, () => {
        out.table(items, jobColumns, 'No jobs yet. Create one: kairos jobs create --url https://example.com/hook --every 5m');
        moreNote(out, items.length, total);
      });
    });
  jobs.addCommand(examples(list, 'kairos jobs list', 'kairos jobs list --status paused --tag billing', 'kairos jobs list --limit 500 --json | jq -r ".[].id"'));

  const get = new Command('get')
    .description('show one job')
    .argument('<id>', 'the job id (job_…)')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const job = await clientOf().jobs.get(id);
      out.result(job, () => showJob(out, job));
    });
  jobs.addCommand(examples(get, 'kairos jobs get job_01J…', 'kairos jobs get job_01J… --json'));

  const create = definitionOptions(new Command('create').description('create a job: a target (--url, or --file with a destination) and one schedule'))
    .action(async (options: DefinitionOptions, cmd: Command) => {
      const out = outputOf(cmd);
      const fromFile = options.file ? readJobFile(options.file) : {};
      const { fields, schedule } = definitionOf(options);
      const body = { ...fromFile, ...fields, ...(schedule ? { schedule } : {}) } as CreateJob;
      if (!body.schedule) throw new CliError('Give a schedule: --at, --in, --cron, --every, --preset, --daily or --weekly (or "schedule" in --file).', ExitCode.usage);
      if (body.url === undefined && (body as { destination?: unknown }).destination === undefined) throw new CliError('Give a target: --url (or "url"/"destination" in --file).', ExitCode.usage);
      const job = await clientOf().jobs.create(body);
      out.result(job, () => {
        out.line(`Created ${job.id}${job.nextRunAt ? `, first run ${relative(job.nextRunAt)} (${job.nextRunAt})` : ''}.`);
      });
    });
  jobs.addCommand(
    examples(
      create,
      'kairos jobs create --url https://example.com/hook --in 10m --payload \'{"hello":"world"}\'',
      'kairos jobs create --name report --url https://example.com/report --cron "0 9 * * 1-5" --tz Europe/Berlin',
      'kairos jobs create --url https://example.com/sync --every 5m -H "Authorization: Bearer s3cret"',
      'kairos jobs create --file job.json',
    ),
  );

  const edit = definitionOptions(new Command('edit').description('change some fields of a job (only those given)').argument('<id>', 'the job id'))
    .action(async (id: string, options: DefinitionOptions, cmd: Command) => {
      const out = outputOf(cmd);
      const fromFile = options.file ? readJobFile(options.file) : {};
      const { fields, schedule } = definitionOf(options);
      const changes = { ...fromFile, ...fields, ...(schedule ? { schedule } : {}) } as UpdateJob;
      if (Object.keys(changes).length === 0) throw new CliError('Nothing to change: give at least one option (see kairos jobs edit --help).', ExitCode.usage);
      const job = await clientOf().jobs.update(id, changes);
      out.result(job, () => out.line(`Updated ${job.id}: ${scheduleSummary(job.schedule)}, next run ${relative(job.nextRunAt)}.`));
    });
  jobs.addCommand(examples(edit, 'kairos jobs edit job_01J… --every 10m', 'kairos jobs edit job_01J… --name nightly --tag reports --tag nightly'));

  for (const [verb, past, description] of [
    ['pause', 'Paused', 'pause jobs: no run until they are resumed'],
    ['resume', 'Resumed', 'resume paused jobs from their next occurrence'],
  ] as const) {
    const command = new Command(verb)
      .description(description)
      .argument('<ids...>', 'job ids')
      .action(async (ids: string[], _options: unknown, cmd: Command) => {
        const out = outputOf(cmd);
        const client = clientOf();
        const done = await eachId(out, ids, past, (id) => client.jobs[verb](id));
        out.result(done, () => {
          for (const job of done) out.line(`${past} ${job.id}${job.nextRunAt ? `, next run ${relative(job.nextRunAt)}` : ''}.`);
        });
      });
    jobs.addCommand(examples(command, `kairos jobs ${verb} job_01J…`, `kairos jobs list --tag billing --json | jq -r ".[].id" | xargs kairos jobs ${verb}`));
  }

  const run = new Command('run')
    .description('run a job now, outside its schedule')
    .argument('<id>', 'the job id')
    .option('--wait', 'wait for the attempt and show its outcome (exit 1 when it failed)')
    .action(async (id: string, options: { wait?: boolean }, cmd: Command) => {
      const out = outputOf(cmd);
      if (options.wait) out.progress(`Running ${id}…`);
      const result = await clientOf().jobs.run(id, { wait: Boolean(options.wait) });
      const failed = 'statusCode' in result && result.status !== 'success';
      out.result(result, () => {
        if ('statusCode' in result) {
          out.line(`${out.paint(result.status, result.status === 'success' ? 'green' : 'red')} ${result.statusCode ?? ''} in ${result.durationMs} ms (execution ${result.id})${result.error ? `: ${result.error}` : ''}`);
        } else {
          out.line(`Started run ${result.runId}; see it with: kairos runs list --job ${id}`);
        }
      });
      if (failed) process.exitCode = ExitCode.failed;
    });
  jobs.addCommand(examples(run, 'kairos jobs run job_01J…', 'kairos jobs run job_01J… --wait'));

  const remove = new Command('delete')
    .alias('rm')
    .description('delete jobs and their history')
    .argument('<ids...>', 'job ids')
    .option('-y, --yes', 'do not ask for confirmation (needed when there is no terminal)')
    .action(async (ids: string[], options: { yes?: boolean }, cmd: Command) => {
      const out = outputOf(cmd);
      if (!options.yes) {
        const answer = await ask(`Delete ${ids.length === 1 ? ids[0] : `${ids.length} jobs`} and their history? [y/N] `);
        if (answer === undefined) throw new CliError('Add --yes to delete without a terminal to confirm on.', ExitCode.usage);
        if (!/^y(es)?$/i.test(answer)) throw new CliError('Nothing deleted.', ExitCode.failed);
      }
      const client = clientOf();
      await eachId(out, ids, 'Deleting', (id) => client.jobs.delete(id));
      out.result({ deleted: ids }, () => out.line(`Deleted ${ids.join(', ')}.`));
    });
  jobs.addCommand(examples(remove, 'kairos jobs delete job_01J…', 'kairos jobs delete --yes job_01J… job_01K…'));

  return jobs;
}
