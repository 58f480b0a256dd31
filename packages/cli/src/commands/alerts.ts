import type { AlertChannel, AlertNotice, AlertRule, ListNoticesQuery } from '@kairos/sdk';
import { Command, Option } from 'commander';
import { clientOf, collect, examples, moreNote, outputOf, positiveInteger } from '../context.js';
import { type Column, relative } from '../output.js';

const channelColumns: Column<AlertChannel>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'type', value: (c) => c.type },
  { header: 'name', value: (c) => c.name },
  { header: 'config', value: (c) => c.config },
];
const ruleColumns: Column<AlertRule>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'name', value: (r) => r.name },
  { header: 'events', value: (r) => r.events },
  { header: 'scope', value: (r) => (r.jobId ? `job ${r.jobId}` : r.spaceId ? `space ${r.spaceId}` : r.tag ? `tag ${r.tag}` : 'every job') },
  { header: 'channels', value: (r) => r.channelIds },
  { header: 'threshold', value: (r) => r.consecutiveFailuresThreshold },
  { header: 'enabled', value: (r) => (r.enabled ? 'yes' : 'no') },
];
const noticeColumns: Column<AlertNotice>[] = [
  { header: 'id', value: (n) => n.id },
  { header: 'event', value: (n) => n.event },
  { header: 'job', value: (n) => n.jobId },
  { header: 'status', value: (n) => n.status, status: true },
  { header: 'attempts', value: (n) => n.attempts },
  { header: 'created', value: (n) => relative(n.createdAt) },
];

export function alertsCommand(): Command {
  const alerts = new Command('alerts').description('alert rules, their channels, and the notices sent');
  examples(alerts, 'kairos alerts list', 'kairos alerts notices --status failed');

  const list = new Command('list')
    .alias('ls')
    .description('list the rules and the channels they send to')
    .action(async (_options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const client = clientOf();
      const [rules, channels] = await Promise.all([collect(client.alerts.rules.list({ perPage: 100 }), 1_000, out, 'rules'), collect(client.alerts.channels.list({ perPage: 100 }), 1_000, out, 'channels')]);
      out.result({ rules: rules.items, channels: channels.items }, () => {
        out.line(out.paint('Rules', 'bold'));
        out.table(rules.items, ruleColumns, 'No alert rules.');
        out.line();
        out.line(out.paint('Channels', 'bold'));
        out.table(channels.items, channelColumns, 'No alert channels.');
      });
    });
  alerts.addCommand(examples(list, 'kairos alerts list', 'kairos alerts list --json | jq ".rules | length"'));

  const notices = new Command('notices')
    .description('the notices sent (or that failed to send), newest first')
    .option('--job <id>', 'only notices about this job')
    .addOption(new Option('--status <status>', 'only notices in this state').choices(['pending', 'delivered', 'failed']))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(50))
    .action(async (options: { job?: string; status?: ListNoticesQuery['status']; limit: number }, cmd: Command) => {
      const out = outputOf(cmd);
      const query: ListNoticesQuery = { perPage: Math.min(100, options.limit) };
      if (options.job) query.jobId = options.job;
      if (options.status) query.status = options.status;
      const { items, total } = await collect(clientOf().alerts.notices(query), options.limit, out, 'notices');
      out.result(items, () => {
        out.table(items, noticeColumns, 'No notices.');
        moreNote(out, items.length, total);
      });
    });
  alerts.addCommand(examples(notices, 'kairos alerts notices', 'kairos alerts notices --job job_01J… --status failed'));

  const test = new Command('test')
    .description('send a test notice through a channel and show what its far end answered')
    .argument('<channel-id>', 'the channel id (ch_…)')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const result = await clientOf().alerts.channels.test(id);
      out.result(result, () => out.line(result.delivered ? `Delivered (${result.statusCode ?? 'ok'}).` : `Not delivered: ${result.error ?? result.statusCode}`));
      if (!result.delivered) process.exitCode = 1;
    });
  alerts.addCommand(examples(test, 'kairos alerts test ch_01J…'));

  return alerts;
}
