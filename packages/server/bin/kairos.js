#!/usr/bin/env node
// The `kairos` command: runs the compiled CLI (built by `npm install` or `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('kairos: the server is not built yet; run "npm run build" in the repository first');
  process.exit(1);
}
await import(cli.href);
