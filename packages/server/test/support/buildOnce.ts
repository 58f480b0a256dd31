import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: builds packages/server and the test kit the tests share with the bench
 * (`tsc -b`, incremental: under a second when dist/ is current) before any test file of the
 * project starts, so that no test loads a stale build of the engine's SQL thread, of the CLI or
 * of the test kit, whether it came through `npm test` or a direct `npx vitest run FILE`.
 */
export default function setup(): void {
  const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-b', 'packages/server', 'packages/testkit'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    const out = err as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(`building packages/server and packages/testkit for the tests failed:\n${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? out.message}`);
  }
}
