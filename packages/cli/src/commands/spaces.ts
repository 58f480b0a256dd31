import type { Space } from '@kairos/sdk';
import { Command, Option } from 'commander';
import { clientOf, collect, examples, moreNote, outputOf, positiveInteger } from '../context.js';
import type { Column } from '../output.js';

const spaceColumns: Column<Space>[] = [
  { header: 'id', value: (s) => s.id },
  { header: 'name', value: (s) => s.name },
  { header: 'timezone', value: (s) => s.timezone },
  { header: 'jobs', value: (s) => s.jobCount },
  { header: 'active', value: (s) => s.activeJobCount },
  { header: 'paused', value: (s) => s.pausedJobCount },
];

export function spacesCommand(): Command {
  const spaces = new Command('spaces').description('spaces: folders of jobs with a default time zone, paused and resumed together');
  examples(spaces, 'kairos spaces list', 'kairos spaces create billing --tz Europe/Berlin');

  const list = new Command('list')
    .alias('ls')
    .description('list the spaces with their job counts')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(100))
    .action(async (options: { limit: number }, cmd: Command) => {
      const out = outputOf(cmd);
      const { items, total } = await collect(clientOf().spaces.list({ perPage: Math.min(100, options.limit) }), options.limit, out, 'spaces');
      out.result(items, () => {
        out.table(items, spaceColumns, 'No spaces yet. Create one: kairos spaces create <name>');
        moreNote(out, items.length, total);
      });
    });
  spaces.addCommand(examples(list, 'kairos spaces list'));

  const create = new Command('create')
    .description('create a space')
    .argument('<name>', 'its name')
    .option('--tz <zone>', 'the IANA time zone new recurring jobs in it take')
    .action(async (name: string, options: { tz?: string }, cmd: Command) => {
      const out = outputOf(cmd);
      const space = await clientOf().spaces.create({ name, ...(options.tz ? { timezone: options.tz } : {}) });
      out.result(space, () => out.line(`Created space ${space.id} (${space.name}, ${space.timezone}).`));
    });
  spaces.addCommand(examples(create, 'kairos spaces create billing', 'kairos spaces create reports --tz America/New_York'));

  const get = new Command('get')
    .description('show a space')
    .argument('<id>', 'the space id (sp_…)')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const space = await clientOf().spaces.get(id);
      out.result(space, () => out.table([space], spaceColumns));
    });
  spaces.addCommand(examples(get, 'kairos spaces get sp_01J…'));

  for (const verb of ['pause', 'resume'] as const) {
    const command = new Command(verb)
      .description(verb === 'pause' ? 'pause every active job in a space' : 'resume the jobs that pausing the space paused')
      .argument('<id>', 'the space id')
      .action(async (id: string, _options: unknown, cmd: Command) => {
        const out = outputOf(cmd);
        const result = await clientOf().spaces[verb](id);
        out.result(result, () => out.line(`${verb === 'pause' ? 'Paused' : 'Resumed'} ${result.jobsAffected} job(s) in ${result.space.name}.`));
      });
    spaces.addCommand(examples(command, `kairos spaces ${verb} sp_01J…`));
  }

  const remove = new Command('delete')
    .alias('rm')
    .description('delete an empty space')
    .argument('<id>', 'the space id')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      await clientOf().spaces.delete(id);
      out.result({ deleted: id }, () => out.line(`Deleted space ${id}.`));
    });
  spaces.addCommand(examples(remove, 'kairos spaces delete sp_01J…'));

  return spaces;
}
