import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kairos } from '../src/index.js';
import { useClientFixture } from './support/fixture.js';

const sdk = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so that `import '@kairos/sdk'` resolves as it does for a user (to the built package).
const work = join(sdk, '.readme-run');
const blocks = [...readFileSync(join(sdk, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('packages/sdk/README.md', () => {
  const f = useClientFixture('readme');

  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    blocks.forEach((code, i) => writeFileSync(join(work, `block${i + 1}.ts`), code));
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }),
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('type-checks every example against the built SDK', async () => {
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', work]).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(result.stdout).toBe('');
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))('runs example %i against a real server', async (n, code) => {
    // Each example gets a project of its own, and https://example.com is the local sink.
    const { apiKey } = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.registerAnonymous({ name: `readme ${n}` });
    const js = ts.transpileModule(code.replaceAll('https://example.com', f.sink.url), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = join(work, `block${n}.mjs`);
    writeFileSync(file, js);
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      env: { ...process.env, KAIROS_URL: f.server.url, KAIROS_API_KEY: apiKey },
      timeout: 30_000,
    });
    expect(stdout.length).toBeGreaterThan(0);
  });
});
