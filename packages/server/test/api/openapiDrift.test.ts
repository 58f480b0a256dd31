import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDocument, openApiDocument } from '../../src/openapiDocument.js';

describe('the committed OpenAPI document (packages/server/openapi.json)', () => {
  it('is what the routes generate today; run "npm run openapi" after changing a route schema', async () => {
    const committed = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(formatDocument(await openApiDocument()));
  });
});
