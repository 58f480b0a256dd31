// `npm run openapi`: writes packages/server/openapi.json from the built app (no server listens).
import { writeFileSync } from 'node:fs';
import { formatDocument, openApiDocument } from '../dist/openapiDocument.js';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, formatDocument(await openApiDocument()));
console.log(`wrote ${target.pathname}`);
