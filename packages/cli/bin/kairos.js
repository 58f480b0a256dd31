#!/usr/bin/env node
// The `kairos` command: the server (`kairos serve`) and a client of its /v1 API.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('kairos: the CLI is not built yet; run "npm run build" in the repository first');
  process.exit(1);
}
// A reader that stops early (`kairos jobs list | head`) closes the pipe: that ends the command
// quietly, as it does for every Unix tool, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
// The server keeps running on its own; every other command ends with its exit code.
if (code !== undefined && code !== null) process.exitCode = code;
