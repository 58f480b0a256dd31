import { parseArgs } from 'node:util';
import { Kairos } from '@kairos/sdk';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createServer, tools } from './server.js';
import { version } from './version.js';

const usage = `kairos-mcp: an MCP server (stdio) for the Kairos job scheduler

Usage: kairos-mcp [--read-only]

  --read-only   offer only the tools that read (${tools.filter((t) => t.readOnly).map((t) => t.name).join(', ')})
  -h, --help    this text
  -v, --version the version

Environment:
  KAIROS_API_KEY  an API key of the project (kr_live_…; "kairos keys create" makes one)
  KAIROS_URL      the server's address, e.g. http://127.0.0.1:8080 (the default)
  KAIROS_MCP_READ_ONLY=1  the same as --read-only

Example (Claude Code):
  claude mcp add kairos --env KAIROS_API_KEY=kr_live_… --env KAIROS_URL=http://127.0.0.1:8080 -- npx kairos-mcp
`;

/** Starts the server on stdin/stdout; stdout carries only the protocol, so messages go to stderr. */
export async function main(argv: string[]): Promise<number> {
  let values: { 'read-only'?: boolean; help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { 'read-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`kairos-mcp: ${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(usage);
    return 0;
  }
  if (values.version) {
    process.stderr.write(`${version}\n`);
    return 0;
  }
  const apiKey = process.env.KAIROS_API_KEY;
  if (!apiKey) {
    process.stderr.write('kairos-mcp: set KAIROS_API_KEY to an API key of your Kairos project (and KAIROS_URL to its server, default http://127.0.0.1:8080).\n');
    return 4;
  }
  const readOnly = Boolean(values['read-only']) || ['1', 'true'].includes(process.env.KAIROS_MCP_READ_ONLY ?? '');
  const kairos = new Kairos({ apiKey, ...(process.env.KAIROS_URL ? { baseUrl: process.env.KAIROS_URL } : {}), timeoutMs: 30_000 });
  const server = createServer(kairos, { readOnly });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  process.stderr.write(`kairos-mcp ${version}: serving ${kairos.baseUrl}${readOnly ? ' (read-only)' : ''} on stdio\n`);
  // The client closing stdin ends the session.
  process.stdin.once('end', () => void server.close());
  await closed;
  return 0;
}
