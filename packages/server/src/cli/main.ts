#!/usr/bin/env node
import { loadConfig, version } from '../config.js';
import { startServer } from '../main.js';

const help = `Kairos ${version}: a self-hosted HTTP job scheduler

Usage:
  kairos serve       start the API and the scheduler engine
  kairos --version   print the version
  kairos --help      print this help

Environment:
  KAIROS_PORT            port to listen on (8080)
  KAIROS_HOST            address to listen on (127.0.0.1)
  KAIROS_DATABASE_URL    sqlite:PATH or postgres://... (sqlite:./data/kairos.db)
  KAIROS_ALLOW_TARGETS   comma-separated CIDRs or host names that jobs may reach besides
                         public addresses, e.g. 127.0.0.0/8,intranet.example
  KAIROS_LOG_LEVEL       fatal, error, warn, info, debug, trace (info)
  KAIROS_REGISTRATION    open or closed (open); closed lets only the first account, or an
                         admin, register
  KAIROS_JWT_SECRET      signs access tokens, at least 32 characters; when unset one is made
                         at first start and kept in the database
  KAIROS_METRICS_TOKEN   when set, /metrics wants "Authorization: Bearer <token>"
  KAIROS_RATE_PROFILE    default or strict (the Runhooks table, for public sign-ups)
  KAIROS_RATE_LIMITS     JSON overriding rules of the profile, per class, e.g.
                         {"jobWrites":{"max":1000,"windowMs":60000}}
  KAIROS_REDIS_URL       redis://host:6379 to share rate-limit counters between nodes
  KAIROS_REDIS_PREFIX    prefix of every Redis key Kairos writes (kairos:)
  KAIROS_TRUST_PROXY     true, a hop count, or the proxies' addresses whose
                         X-Forwarded-For names the client (unset: none)
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
