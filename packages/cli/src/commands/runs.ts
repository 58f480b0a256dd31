import type { Execution, ListExecutionsQuery } from '@kairos/sdk';
import { Command, Option } from 'commander';
import { clientOf, collect, examples, moreNote, outputOf, positiveInteger } from '../context.js';
import { type Column, type Output, relative } from '../output.js';

export const executionColumns: Column<Execution>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'job', value: (e) => e.jobId },
  { header: 'status', value: (e) => e.status, status: true },
  { header: 'http', value: (e) => e.statusCode },
  { header: 'duration', value: (e) => `${e.durationMs}ms` },
  { header: 'attempt', value: (e) => e.attempt },
  { header: 'by', value: (e) => e.triggeredBy },
  { header: 'started', value: (e) => relative(e.startedAt) },
  { header: 'error', value: (e) => e.error },
];

export function showExecution(out: Output, e: Execution): void {
  out.fields([
    ['id', e.id],
    ['job', e.jobId],
    ['status', out.paint(e.status, e.status === 'success' ? 'green' : 'red')],
    ['http status', e.statusCode],
    ['attempt', e.attempt],
    ['triggered by', `${e.triggeredBy}${e.replayOf ? ` (replay of ${e.replayOf})` : ''}`],
    ['scheduled for', e.scheduledFor],
    ['started', e.startedAt],
    ['duration', `${e.durationMs} ms`],
    ['error', e.error],
    ['delivery id', e.deliveryId],
    ['response', e.responseBody],
  ]);
}

export function runsCommand(): Command {
  const runs = new Command('runs').description('delivery attempts (executions): list, show, replay, follow live');
  examples(runs, 'kairos runs list --status failed', 'kairos runs replay exe_01J…', 'kairos runs tail');

  const list = new Command('list')
    .alias('ls')
    .description('list attempts, newest first')
    .option('--job <id>', 'only this job\'s')
    .addOption(new Option('--status <status>', 'only attempts with this outcome').choices(['success', 'failed', 'timeout', 'dead_letter', 'quota_exceeded']))
    .addOption(new Option('--by <trigger>', 'only attempts started this way').choices(['schedule', 'manual', 'replay']))
    .option('--since <instant>', 'only attempts from this ISO-8601 instant on')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(50))
    .action(async (options: { job?: string; status?: ListExecutionsQuery['status']; by?: ListExecutionsQuery['triggeredBy']; since?: string; limit: number }, cmd: Command) => {
      const out = outputOf(cmd);
      const query: ListExecutionsQuery = { perPage: Math.min(100, options.limit) };
      if (options.job) query.jobId = options.job;
      if (options.status) query.status = options.status;
      if (options.by) query.triggeredBy = options.by;
      if (options.since) query.from = options.since;
      const { items, total } = await collect(clientOf().executions.list(query), options.limit, out, 'runs');
      out.result(items, () => {
        out.table(items, executionColumns, 'No runs yet.');
        moreNote(out, items.length, total);
      });
    });
  runs.addCommand(examples(list, 'kairos runs list', 'kairos runs list --job job_01J… --status failed --limit 10', 'kairos runs list --since 2026-12-01T00:00:00Z --json'));

  const get = new Command('get')
    .description('show one attempt, with the start of its response')
    .argument('<id>', 'the execution id (exe_…)')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const execution = await clientOf().executions.get(id);
      out.result(execution, () => showExecution(out, execution));
    });
  runs.addCommand(examples(get, 'kairos runs get exe_01J…', 'kairos runs get exe_01J… --json | jq .responseBody'));

  const replay = new Command('replay')
    .description('run an attempt\'s job again now, linked to the attempt')
    .argument('<id>', 'the execution id')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const run = await clientOf().executions.replay(id);
      out.result(run, () => out.line(`Replaying ${id} as run ${run.runId} of ${run.jobId}.`));
    });
  runs.addCommand(examples(replay, 'kairos runs replay exe_01J…', 'kairos runs list --status dead_letter --json | jq -r ".[].id" | xargs -n1 kairos runs replay'));

  const tail = new Command('tail')
    .description('follow attempts as they happen, until Ctrl-C (under --json: one JSON document per line, per attempt)')
    .option('--job <id>', "only this job's")
    .option('--after <id>', 'first the attempts recorded after this one (exe_…), then the live ones')
    .action(async (options: { job?: string; after?: string }, cmd: Command) => {
      const out = outputOf(cmd);
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('stopped'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const query = { ...(options.job ? { jobId: options.job } : {}), ...(options.after ? { lastEventId: options.after } : {}) };
      try {
        const stream = clientOf().executions.stream(query, {
          signal: controller.signal,
          onOpen: () => out.note(`Following runs${options.job ? ` of ${options.job}` : ''} (Ctrl-C to stop).`),
        });
        for await (const event of stream) {
          if (event.event !== 'execution') continue;
          const e = event.data;
          if (out.json) out.line(JSON.stringify(e));
          else {
            const status = e.status.padEnd(11);
            out.line([e.startedAt, out.paint(status, e.status === 'success' ? 'green' : 'red'), String(e.statusCode ?? '-').padEnd(3), `${e.durationMs}ms`.padStart(7), e.jobId, e.id, e.error ?? ''].join('  ').trimEnd());
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
  runs.addCommand(examples(tail, 'kairos runs tail', 'kairos runs tail --job job_01J…', 'kairos runs tail --json | jq -c "select(.status != \\"success\\")"'));

  return runs;
}
