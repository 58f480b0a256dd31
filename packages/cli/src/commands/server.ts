import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kairos } from '@kairos/sdk';
import { Command, Option } from 'commander';
import { examples, positiveInteger } from '../context.js';
import { CliError } from '../exitCodes.js';

/** The server's own command line, loaded only when asked: a client-only install never needs it. */
const serverEntry = '@kairos/server/dist/cli/main.js';

/**
 * Hands the process to the server's command line (packages/server/src/cli/main.ts), which reads
 * `process.argv[2]`: `serve` (or nothing) starts the server, `--help` prints its settings.
 */
export async function runServer(args: string[]): Promise<void> {
  let entry: string;
  try {
    entry = import.meta.resolve(serverEntry);
  } catch {
    throw new CliError('"kairos serve" needs the server package: install @kairos/server next to @kairos/cli (or run it from the Kairos repository).');
  }
  process.argv = [process.argv[0]!, process.argv[1]!, ...args];
  try {
    await import(entry);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new CliError('The server is not built yet: run "npm run build" in the Kairos repository.');
    }
    throw err;
  }
}

export function serveCommand(): Command {
  const command = new Command('serve')
    .description('start the API and the scheduler engine (settings: kairos serve --help; the same as "kairos" alone)')
    .helpOption(false)
    .allowUnknownOption()
    .action(async () => runServer(['serve']));
  return examples(command, 'kairos serve', 'KAIROS_PORT=9000 KAIROS_DATABASE_URL=sqlite:/var/lib/kairos/kairos.db kairos serve', 'kairos serve --help');
}

/** What `kairos serve` gets on the command line: the server's own help, or the server. */
export function serveArgs(rest: string[]): string[] {
  return rest.includes('--help') || rest.includes('-h') ? ['--help'] : ['serve'];
}

export function devCommand(): Command {
  const command = new Command('dev')
    .description('start a server on a throw-away database that may deliver to this machine (127.0.0.1, ::1), with a project to try jobs against a local app')
    .addOption(new Option('--port <port>', 'port to listen on').argParser(positiveInteger).default(8080))
    .action(async (options: { port: number }) => {
      const dir = mkdtempSync(join(tmpdir(), 'kairos-dev-'));
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
      const url = `http://127.0.0.1:${options.port}`;
      Object.assign(process.env, {
        KAIROS_DATABASE_URL: `sqlite:${join(dir, 'kairos.db')}`,
        KAIROS_ALLOW_TARGETS: '127.0.0.0/8,::1/128,localhost',
        KAIROS_PORT: String(options.port),
        KAIROS_HOST: '127.0.0.1',
        KAIROS_LOG_LEVEL: process.env.KAIROS_LOG_LEVEL ?? 'warn',
      });
      await runServer(['serve']);
      const kairos = new Kairos({ baseUrl: url, apiKey: '', maxRetries: 0 });
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await kairos.health({ timeoutMs: 1_000 });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const { apiKey } = await kairos.auth.registerAnonymous({ name: 'dev' });
      process.stderr.write(
        [
          '',
          `Kairos dev server on ${url}, on a throw-away database (${dir}), deleted when it stops (Ctrl-C).`,
          'Jobs may target this machine (http://127.0.0.1:…, http://localhost:…). In another terminal:',
          '',
          `  export KAIROS_URL=${url} KAIROS_API_KEY=${apiKey}`,
          '  kairos jobs create --url http://127.0.0.1:3000/hook --in 10s',
          '',
        ].join('\n') + '\n',
      );
    });
  return examples(command, 'kairos dev', 'kairos dev --port 9090');
}
