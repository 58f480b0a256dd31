import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs from packages/testkit/dist). */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const serverRoot = join(repoRoot, 'packages', 'server');
