import { Kairos } from '@kairos/sdk';
import { Command } from 'commander';
import { configPath, readConfig, removeConfig, resolveCredentials, writeConfig } from '../config.js';
import { clientOf, examples, outputOf } from '../context.js';
import { CliError, ExitCode } from '../exitCodes.js';
import { ask } from '../prompt.js';

interface LoginOptions {
  url?: string;
  key?: string;
  register?: boolean;
  email?: string;
  password?: string;
  name: string;
}

export function loginCommand(): Command {
  const command = new Command('login')
    .description('save a server address and an API key (pasted, or from a new registration) in the config file, readable by you only')
    .option('--url <url>', 'the server address, without /v1 (default: KAIROS_URL, the saved one, or http://127.0.0.1:8080)')
    .option('--key <key>', 'an API key (kr_live_…) to use')
    .option('--register', 'register a new project and use its key (with --email: a user account)')
    .option('--email <email>', 'with --register: the new account\'s email')
    .option('--password <password>', 'with --register --email: its password (default: KAIROS_PASSWORD, or asked)')
    .option('--name <name>', 'with --register: the project\'s (or the account\'s) name', 'kairos cli')
    .action(async (options: LoginOptions, cmd: Command) => {
      const out = outputOf(cmd);
      const url = (options.url ?? process.env.KAIROS_URL ?? readConfig().url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
      let key = options.key;
      let register = Boolean(options.register);
      if (!key && !register) {
        const pasted = await ask(`API key for ${url} (leave empty to register a new project): `, { secret: true });
        if (pasted === undefined) throw new CliError('Give --key <key> or --register (there is no terminal to ask on).', ExitCode.usage);
        if (pasted) key = pasted;
        else register = true;
      }
      const anonymous = new Kairos({ baseUrl: url, apiKey: '' });
      if (register) {
        if (options.email) {
          const password = options.password ?? process.env.KAIROS_PASSWORD ?? (await ask('Password (at least 8 characters): ', { secret: true }));
          if (!password) throw new CliError('Give --password, or set KAIROS_PASSWORD.', ExitCode.usage);
          key = (await anonymous.auth.register({ email: options.email, password, name: options.name })).apiKey;
        } else {
          key = (await anonymous.auth.registerAnonymous({ name: options.name })).apiKey;
        }
      }
      // Check the key before saving it.
      const me = await new Kairos({ baseUrl: url, apiKey: key! }).auth.me();
      const project = 'project' in me ? me.project : undefined;
      writeConfig({ url, apiKey: key! });
      const path = configPath();
      out.result({ url, project, configPath: path }, () => {
        out.line(`Logged in to ${url}${project ? ` as project ${project.name} (${project.id})` : ''}.`);
        out.note(`Saved to ${path} (mode 600).${process.env.KAIROS_API_KEY ? ' KAIROS_API_KEY is set and takes precedence over it.' : ''}`);
      });
    });
  return examples(command, 'kairos login', 'kairos login --url http://127.0.0.1:8080 --key kr_live_…', 'kairos login --register --name "my scripts"', 'KAIROS_PASSWORD=… kairos login --register --email me@example.com');
}

export function logoutCommand(): Command {
  const command = new Command('logout')
    .description('forget the saved server address and API key')
    .action(async (_options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const removed = removeConfig();
      out.result({ removed, configPath: configPath() }, () => out.line(removed ? `Removed ${configPath()}.` : 'Not logged in; nothing to remove.'));
    });
  return examples(command, 'kairos logout');
}

export function whoamiCommand(): Command {
  const command = new Command('whoami')
    .description('show the server, the project and the key the other commands use')
    .action(async (_options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const { url, source } = resolveCredentials();
      const me = await clientOf().auth.me();
      out.result({ url, source, ...me }, () => {
        if ('project' in me) {
          out.fields([
            ['server', url],
            ['project', `${me.project.name} (${me.project.id})`],
            ['key', `${me.apiKey.name} …${me.apiKey.lastFour} [${me.apiKey.scopes.join(', ')}]`],
            ['from', source === 'environment' ? 'KAIROS_API_KEY' : configPath()],
          ]);
        } else {
          out.fields([['server', url], ['user', me.user.email]]);
        }
      });
    });
  return examples(command, 'kairos whoami', 'kairos whoami --json');
}
