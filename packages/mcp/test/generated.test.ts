import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without types
import { render } from '../scripts/schemas.mjs';

const openapi = readFileSync(fileURLToPath(new URL('../../server/openapi.json', import.meta.url)), 'utf8');
const committed = readFileSync(fileURLToPath(new URL('../src/generated/schemas.ts', import.meta.url)), 'utf8');

describe("the MCP tools' output schemas generated from openapi.json", () => {
  it('are what the committed openapi.json generates today; run "npm run openapi" after changing a route schema', () => {
    expect(committed).toBe(render(openapi));
  });

  it('are found stale when a response schema changes (the check can fail)', () => {
    const changed = JSON.parse(openapi);
    changed.paths['/v1/jobs/{id}'].get.responses['200'].content['application/json'].schema.properties.data.properties.extra = { type: 'string' };
    expect(render(JSON.stringify(changed))).not.toBe(committed);
  });
});
