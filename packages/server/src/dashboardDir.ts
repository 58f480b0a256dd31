import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's built files (packages/web/dist), when they have been built. */
export function dashboardDir(): string | undefined {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
