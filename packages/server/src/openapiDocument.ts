import { loadConfig } from './config.js';
import { startServer } from './main.js';

/**
 * The native API's OpenAPI document as the app generates it from its route schemas, built on a
 * throw-away in-memory database without listening. `npm run openapi` writes it to
 * packages/server/openapi.json, which the SDK, the CLI, the MCP server and the dashboard take
 * their types from; a test fails when the committed file drifts from the routes.
 */
export async function openApiDocument(): Promise<unknown> {
  const server = await startServer({ ...loadConfig({}), databaseUrl: 'sqlite::memory:', logLevel: 'silent' }, { listen: false });
  try {
    return server.app.swagger();
  } finally {
    await server.close();
  }
}

/** The document as committed: two-space JSON with a final newline, so diffs stay readable. */
export function formatDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
