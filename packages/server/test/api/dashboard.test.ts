import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';

describe('the dashboard served at /', () => {
  let dir: string;
  const page = '<!doctype html><title>Kairos</title><div id="root"></div>';

  // The dashboard's built files, written before the server starts and removed after it stops.
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), page);
    writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const t = useServer('sqlite', { start: () => ({ dashboardDir: dir }) });

  const get = (path: string) => fetch(t.server.url + path);

  it('serves the page at / and for deep links, never cached stale', async () => {
    for (const path of ['/', '/jobs/job_01abc', '/settings/keys?tab=2', '/calendar']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toBe(page);
    }
  });

  it('serves built files, the hashed ones cached for good', async () => {
    const js = await get('/assets/app-1a2b3c.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/favicon.svg')).headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    // A file that is not there is a 404, not the page.
    expect((await get('/assets/app-old.js')).status).toBe(404);
  });

  it('leaves the server paths to the server', async () => {
    const unknown = await get('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('not_found');
    expect((await get('/v1/jobs')).status).toBe(401);
    expect((await get('/openapi.json')).headers.get('content-type')).toMatch(/json/);
    expect((await get('/health')).status).toBe(200);
    for (const path of ['/compat/nope', '/badges/x', '/metrics/x', '/docs/nope.js']) {
      const res = await get(path);
      expect(res.headers.get('content-type') ?? '', path).not.toMatch(/html/);
    }
  });

  it("leaves an unknown path under a dialect to that dialect's 404", async () => {
    const runner = await get('/compat/runner/api/v2/jobs');
    expect(runner.status).toBe(404);
    expect(await runner.json()).toEqual({ error: 'No route for GET /compat/runner/api/v2/jobs.' });
  });

  it('answers only GET and HEAD with the page', async () => {
    expect((await fetch(`${t.server.url}/jobs`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${t.server.url}/jobs`, { method: 'HEAD' })).status).toBe(200);
  });
});
