import type { ApiKey } from '@kairos/sdk';
import { Command, Option } from 'commander';
import { clientOf, collect, examples, moreNote, outputOf, positiveInteger } from '../context.js';
import { type Column, relative } from '../output.js';

const keyColumns: Column<ApiKey>[] = [
  { header: 'id', value: (k) => k.id },
  { header: 'name', value: (k) => k.name },
  { header: 'key', value: (k) => `${k.prefix}…${k.lastFour}` },
  { header: 'scopes', value: (k) => k.scopes },
  { header: 'last used', value: (k) => relative(k.lastUsedAt) },
  { header: 'created', value: (k) => relative(k.createdAt) },
];

export function keysCommand(): Command {
  const keys = new Command('keys').description('the project\'s API keys (needs a key with the admin scope)');
  examples(keys, 'kairos keys list', 'kairos keys create --name CI --scope read --scope write');

  const list = new Command('list')
    .alias('ls')
    .description('list the keys (never the keys themselves)')
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInteger).default(100))
    .action(async (options: { limit: number }, cmd: Command) => {
      const out = outputOf(cmd);
      const { items, total } = await collect(clientOf().apiKeys.list({ perPage: Math.min(100, options.limit) }), options.limit, out, 'keys');
      out.result(items, () => {
        out.table(items, keyColumns);
        moreNote(out, items.length, total);
      });
    });
  keys.addCommand(examples(list, 'kairos keys list', 'kairos keys list --json'));

  const create = new Command('create')
    .description('create a key; it is shown this once')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(new Option('--scope <scope>', 'read, write or admin (repeatable; default read and write)').choices(['read', 'write', 'admin']).argParser((v: string, prev: string[] = []) => [...prev, v]))
    .action(async (options: { name: string; scope?: Array<'read' | 'write' | 'admin'> }, cmd: Command) => {
      const out = outputOf(cmd);
      const created = await clientOf().apiKeys.create({ name: options.name, scopes: options.scope ?? ['read', 'write'] });
      out.result(created, () => {
        out.line(created.key);
        out.note(`Created ${created.id} (${created.scopes.join(', ')}). The key is shown this once: store it now.`);
      });
    });
  keys.addCommand(examples(create, 'kairos keys create --name CI', 'kairos keys create --name dashboard --scope read', 'KEY=$(kairos keys create --name deploy --json | jq -r .key)'));

  const revoke = new Command('revoke')
    .description('revoke a key: it is refused from now on')
    .argument('<id>', 'the key id (key_…)')
    .action(async (id: string, _options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      await clientOf().apiKeys.revoke(id);
      out.result({ revoked: id }, () => out.line(`Revoked ${id}.`));
    });
  keys.addCommand(examples(revoke, 'kairos keys revoke key_01J…'));

  return keys;
}
