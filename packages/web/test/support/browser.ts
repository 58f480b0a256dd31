import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const webRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
/** Screenshots of the main pages, for a person to look at (git-ignored). */
export const shotsDir = join(repoRoot, 'test-results', 'dashboard');

const newest = (path: string): number => {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
};

/**
 * `npm test` builds everything first; a direct `npx vitest run` of a browser test rebuilds the
 * dashboard when its sources (or the OpenAPI document) are newer than the build, so the browser
 * never tests a stale page.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const fresh = () => {
    let built = 0;
    try {
      built = statSync(join(webRoot, 'dist', 'index.html')).mtimeMs;
    } catch {
      // never built
    }
    return built > Math.max(newest(join(webRoot, 'src')), newest(join(webRoot, 'index.html')), newest(join(webRoot, '..', 'server', 'openapi.json')));
  };
  if (fresh()) return;
  // Test files run in parallel: one builds while the others wait, so no two builds share dist/.
  const lock = join(tmpdir(), `kairos-web-build-${Buffer.from(webRoot).toString('hex').slice(-32)}`);
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`could not take the dashboard build lock ${lock}; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!fresh()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: webRoot, stdio: 'pipe', timeout: 120_000 });
  } finally {
    rmdirSync(lock);
  }
}

/** Debian's Chromium (never a downloaded one), headless, with nothing reaching beyond loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KAIROS_TEST_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's default rules on the page as it is; a serious or critical violation fails the test. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document)).violations;
  })) as AxeViolation[];
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `accessibility of ${what}`).toEqual([]);
}
