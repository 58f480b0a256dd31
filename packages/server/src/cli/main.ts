#!/usr/bin/env node
import { loadConfig, settingsHelp, version } from '../config.js';
import { startServer } from '../main.js';

const help = `Kairos ${version}: a self-hosted HTTP job scheduler

Usage:
  kairos serve       start the API and the scheduler engine
  kairos --version   print the version
  kairos --help      print this help

Environment (every setting; see the README's Configuration section):
${settingsHelp()}
`;

async function serve(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

const command = process.argv[2];
if (command === 'serve' || command === undefined) {
  serve().catch((err: unknown) => {
    console.error(`kairos: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
} else if (command === '--version' || command === '-v') {
  console.log(version);
} else if (command === '--help' || command === '-h' || command === 'help') {
  console.log(help);
} else {
  console.error(`kairos: unknown command "${command}"\n\n${help}`);
  process.exit(2);
}
