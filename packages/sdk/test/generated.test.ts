import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const sdk = fileURLToPath(new URL('..', import.meta.url));
const openapi = fileURLToPath(new URL('../../server/openapi.json', import.meta.url));
const generated = join(sdk, 'src/generated/openapi.ts');
const cli = fileURLToPath(new URL('../../../node_modules/openapi-typescript/bin/cli.js', import.meta.url));

/** openapi-typescript's own `--check`: exit 0 when `output` is what `input` generates. */
async function check(input: string, output: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, input, '-o', output, '--check'], { cwd: sdk });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the SDK types generated from openapi.json', () => {
  it('are what the committed openapi.json generates today; run "npm run openapi" after changing a route schema', async () => {
    const result = await check(openapi, generated);
    expect(result.ok, result.output).toBe(true);
  });

  it('are found stale when the document changes (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kairos-sdk-gen-'));
    try {
      const doc = JSON.parse(readFileSync(openapi, 'utf8'));
      doc.paths['/v1/extra'] = { get: { responses: { 200: { description: 'new', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'string' } } } } } } } } };
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      copyFileSync(generated, join(dir, 'openapi.ts'));
      expect((await check(join(dir, 'openapi.json'), join(dir, 'openapi.ts'))).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
