import { Kairos, type PagePromise } from '@kairos/sdk';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveCredentials } from './config.js';
import { CliError, ExitCode } from './exitCodes.js';
import { Output } from './output.js';

/** The options every command shares (declared on the program). */
export interface GlobalOptions {
  json?: boolean;
}

export function outputOf(command: Command): Output {
  return new Output(Boolean(command.optsWithGlobals<GlobalOptions>().json));
}

/** A client signed in as the environment or the saved config says; exit 4 when neither has a key. */
export function clientOf(): Kairos {
  const { url, apiKey } = resolveCredentials();
  if (!apiKey) throw new CliError('Not logged in: run "kairos login", or set KAIROS_API_KEY.', ExitCode.notAuthenticated);
  return new Kairos({ baseUrl: url, apiKey });
}

/** Up to `limit` items of a list, across its pages, with progress on a terminal. */
export async function collect<T>(list: PagePromise<T>, limit: number, out: Output, what: string): Promise<{ items: T[]; total: number }> {
  const first = await list;
  const items: T[] = [];
  for await (const item of first) {
    items.push(item);
    if (items.length >= limit) break;
    if (items.length % first.meta.perPage === 0) out.progress(`Loading ${what}: ${items.length} of ${Math.min(limit, first.meta.total)}`);
  }
  out.stopProgress();
  return { items, total: first.meta.total };
}

/** Prints "shown of total" under a table when the list was cut. */
export function moreNote(out: Output, shown: number, total: number): void {
  if (total > shown) out.note(`Showing ${shown} of ${total}; use --limit to see more.`);
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more.');
  return n;
}

/** Adds the standard "Examples:" block to a command's --help. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);
}
