import { Command, CommanderError } from 'commander';
import { alertsCommand } from './commands/alerts.js';
import { jobsCommand } from './commands/jobs.js';
import { keysCommand } from './commands/keys.js';
import { loginCommand, logoutCommand, whoamiCommand } from './commands/login.js';
import { projectsCommand } from './commands/projects.js';
import { runsCommand } from './commands/runs.js';
import { devCommand, runServer, serveArgs, serveCommand } from './commands/server.js';
import { scheduleCommand } from './commands/schedule.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { spacesCommand } from './commands/spaces.js';
import { examples } from './context.js';
import { ExitCode, exitCodeOf, messageOf } from './exitCodes.js';
import { version } from './version.js';

export function program(): Command {
  const program = new Command('kairos')
    .description('Kairos: a self-hosted HTTP job scheduler. "kairos serve" runs the server; the other commands are a client of its /v1 API.')
    .version(version, '-v, --version')
    .option('--json', 'print the result as one JSON document on stdout, and nothing else there')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride();
  examples(program, 'kairos serve', 'kairos login', 'kairos jobs list --json');
  program.addHelpText(
    'after',
    '\nConnection: KAIROS_URL and KAIROS_API_KEY override what "kairos login" saved.\nExit codes: 0 ok, 1 failed, 2 usage error, 4 not authenticated, 5 not found.\nServer settings: kairos serve --help\n',
  );
  for (const command of [serveCommand(), devCommand(), loginCommand(), logoutCommand(), whoamiCommand(), projectsCommand(), jobsCommand(), runsCommand(), scheduleCommand(), keysCommand(), spacesCommand(), alertsCommand(), importCommand(), exportCommand()]) {
    program.addCommand(command);
  }
  // Subcommands inherit the error handling, so a usage error anywhere exits 2 with a suggestion.
  const inherit = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().showSuggestionAfterError(true).showHelpAfterError('(run with --help for usage)');
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // No command at all starts the server, as `kairos` always has.
  try {
    if (argv.length === 0 || argv[0] === 'serve') {
      await runServer(serveArgs(argv.slice(1)));
      return ExitCode.ok;
    }
    await program().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? ExitCode.ok : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage; // commander has printed the message and a suggestion
    }
    process.stderr.write(`kairos: ${messageOf(err)}\n`);
    return exitCodeOf(err);
  }
}
