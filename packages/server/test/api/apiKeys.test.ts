import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { useTestServer } from '../support/server.js';

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const job = { url: 'http://127.0.0.1:9/never', schedule: { type: 'cron', expression: '0 0 1 1 *' } };

function expectInvalid(r: { status: number; body: any }, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.error.code).toBe('validation_failed');
  expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
}

function expectForbidden(r: { status: number; body: any }, scope: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(403);
  expect(r.body.error.code).toBe('forbidden');
  expect(r.body.error.message).toContain(`"${scope}"`);
}

describe.each(databaseKinds)('API keys on %s', (kind) => {
  /** `t.api` holds the project's first key: all scopes. */
  const t = useTestServer(kind, { project: 'keys' });
  const as = (key: string) => new Api(t.server.url, key);

  async function newKey(scopes: string[], name = 'key', via: Api = t.api) {
    const r = await via.request('POST', '/v1/api-keys', { name, scopes });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.data as { id: string; key: string; name: string; scopes: string[] };
  }

  it('creates a key shown once and lists keys without their secret', async () => {
    const r = await t.api.request('POST', '/v1/api-keys', { name: 'CI pipeline', scopes: ['write', 'read'] });
    expect(r.status).toBe(201);
    const created = r.body.data;
    expect(created).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'CI pipeline',
      scopes: ['read', 'write'],
      key: expect.stringMatching(/^kr_live_[\w-]{32}$/),
      prefix: 'kr_live_',
      lastFour: created.key.slice(-4),
      createdAt: expect.stringMatching(iso),
    });
    expect((await as(created.key).request('POST', '/v1/jobs', job)).status).toBe(201);

    const list = await t.api.request('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, perPage: 20, total: 2 });
    const listed = list.body.data.find((k: { id: string }) => k.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'CI pipeline',
      prefix: 'kr_live_',
      lastFour: created.lastFour,
      scopes: ['read', 'write'],
      lastUsedAt: expect.stringMatching(iso),
      createdAt: created.createdAt,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    expect(JSON.stringify(list.body)).not.toMatch(/hash/i);
    // Newest first.
    expect(list.body.data[0].id).toBe(created.id);
  });

  it('names each invalid field with 422, and accepts the limits', async () => {
    const create = (body: unknown) => t.api.request('POST', '/v1/api-keys', body);
    expectInvalid(await create({ scopes: ['read'] }), 'name');
    expectInvalid(await create({ name: '', scopes: ['read'] }), 'name');
    expectInvalid(await create({ name: 'n'.repeat(101), scopes: ['read'] }), 'name');
    expectInvalid(await create({ name: 'x' }), 'scopes');
    expectInvalid(await create({ name: 'x', scopes: [] }), 'scopes');
    expectInvalid(await create({ name: 'x', scopes: 'read' }), 'scopes');
    expectInvalid(await create({ name: 'x', scopes: ['read', 'read'] }), 'scopes');
    expectInvalid(await create({ name: 'x', scopes: ['root'] }), 'scopes.0');
    expectInvalid(await create({ name: 'x', scopes: ['read'], key: 'kr_live_mine' }), 'key');
    const widest = await create({ name: 'n'.repeat(100), scopes: ['admin', 'write', 'read'] });
    expect(widest.status).toBe(201);
    expect(widest.body.data.scopes).toEqual(['read', 'write', 'admin']);
    expectInvalid(await t.api.request('GET', '/v1/api-keys?perPage=101'), 'perPage');
    expectInvalid(await t.api.request('DELETE', `/v1/api-keys/${'k'.repeat(65)}`), 'id');
  });

  it('lets a read-only key read but not write', async () => {
    const { id: jobId } = await t.api.createJob(job);
    const reader = as((await newKey(['read'], 'reader')).key);
    expect((await reader.request('GET', '/v1/jobs')).status).toBe(200);
    expect((await reader.request('GET', `/v1/jobs/${jobId}`)).status).toBe(200);
    expect((await reader.request('GET', `/v1/jobs/${jobId}/executions`)).status).toBe(200);
    expectForbidden(await reader.request('POST', '/v1/jobs', job), 'write');
    expectForbidden(await reader.request('POST', '/v1/jobs/batch', { jobs: [job] }), 'write');
    expectForbidden(await reader.request('DELETE', `/v1/jobs/${jobId}`), 'write');
    expect((await t.api.request('GET', `/v1/jobs/${jobId}`)).status).toBe(200);
  });

  it('nests scopes, admin over write over read, on every area alike', async () => {
    const { id: jobId } = await t.api.createJob(job);
    const writer = as((await newKey(['write'], 'writer only')).key);
    const keyAdmin = as((await newKey(['admin'], 'admin only')).key);
    for (const client of [writer, keyAdmin]) {
      for (const path of ['/v1/jobs', `/v1/jobs/${jobId}`, '/v1/executions', '/v1/alerts/channels', '/v1/alerts/rules', '/v1/spaces', '/v1/signing-secrets', '/v1/usage']) {
        expect((await client.request('GET', path)).status, path).toBe(200);
      }
      expect((await client.request('POST', '/v1/schedules/preview', { schedule: { type: 'cron', expression: '0 9 * * *' } })).status).toBe(200);
    }
    expect((await keyAdmin.request('POST', '/v1/jobs', job)).status).toBe(201);
    expectForbidden(await writer.request('GET', '/v1/api-keys'), 'admin');
  });

  it('holds a key to its scope only once the request is valid, so a bad request names its field', async () => {
    const reader = as((await newKey(['read'], 'reader')).key);
    const bad = await reader.request('POST', '/v1/jobs', { url: 42 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('url');
    expectForbidden(await reader.request('POST', '/v1/jobs', job), 'write');
  });

  it('needs the admin scope to manage keys', async () => {
    const writer = as((await newKey(['read', 'write'], 'writer')).key);
    const victim = await newKey(['read'], 'victim');
    expectForbidden(await writer.request('GET', '/v1/api-keys'), 'admin');
    expectForbidden(await writer.request('POST', '/v1/api-keys', { name: 'escalate', scopes: ['admin'] }), 'admin');
    expectForbidden(await writer.request('DELETE', `/v1/api-keys/${victim.id}`), 'admin');
    expectForbidden(await writer.request('POST', '/v1/auth/rotate-key'), 'admin');
    expect((await as(victim.key).request('GET', '/v1/jobs')).status).toBe(200);
    // An admin-only key may manage keys.
    const keyAdmin = as((await newKey(['admin'], 'key admin')).key);
    expect((await keyAdmin.request('GET', '/v1/api-keys')).status).toBe(200);
  });

  it('revokes a key so that its very next use is refused', async () => {
    const doomed = await newKey(['read', 'write'], 'doomed');
    const user = as(doomed.key);
    expect((await user.request('GET', '/v1/jobs')).status).toBe(200);
    const del = await t.api.request('DELETE', `/v1/api-keys/${doomed.id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const after = await user.request('GET', '/v1/jobs');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await t.api.request('GET', '/v1/api-keys?perPage=100')).body.data.map((k: { id: string }) => k.id)).not.toContain(doomed.id);
    expect((await t.api.request('DELETE', `/v1/api-keys/${doomed.id}`)).status).toBe(404);
    expect((await t.api.request('DELETE', '/v1/api-keys/key_doesnotexist')).status).toBe(404);
  });

  it("never shows or revokes another project's keys: they are 404", async () => {
    const other = new Api(t.server.url);
    await other.register('other project');
    const theirs = await newKey(['read'], 'theirs', other);
    const mine = await newKey(['read'], 'mine');
    const del = await t.api.request('DELETE', `/v1/api-keys/${theirs.id}`);
    expect(del.status).toBe(404);
    expect(del.body.error.code).toBe('not_found');
    expect((await other.request('DELETE', `/v1/api-keys/${mine.id}`)).status).toBe(404);
    expect((await as(theirs.key).request('GET', '/v1/jobs')).status).toBe(200);
    const listed = (await other.request('GET', '/v1/api-keys')).body.data.map((k: { id: string }) => k.id);
    expect(listed).toContain(theirs.id);
    expect(listed).not.toContain(mine.id);
  });

  it('refuses key management without a key or with a revoked one: 401', async () => {
    const gone = await newKey(['admin'], 'gone');
    expect((await t.api.request('DELETE', `/v1/api-keys/${gone.id}`)).status).toBe(204);
    for (const client of [new Api(t.server.url), as(gone.key)]) {
      for (const [method, path, body] of [
        ['GET', '/v1/api-keys', undefined],
        ['POST', '/v1/api-keys', { name: 'x', scopes: ['read'] }],
        ['DELETE', `/v1/api-keys/${gone.id}`, undefined],
        ['POST', '/v1/auth/rotate-key', undefined],
      ] as const) {
        const r = await client.request(method, path, body);
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(r.body.error.code).toBe('unauthorized');
      }
    }
  });

  it('rotates the calling key: same name and scopes, the old key refused at once', async () => {
    const old = await newKey(['read', 'admin'], 'rotating');
    const r = await as(old.key).request('POST', '/v1/auth/rotate-key');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const fresh = r.body.data;
    expect(fresh).toMatchObject({ name: 'rotating', scopes: ['read', 'admin'], prefix: 'kr_live_', lastFour: fresh.key.slice(-4) });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    expect((await as(old.key).request('GET', '/v1/jobs')).status).toBe(401);
    expect((await as(old.key).request('POST', '/v1/auth/rotate-key')).status).toBe(401);
    expect((await as(fresh.key).request('GET', '/v1/jobs')).status).toBe(200);
    const ids = (await t.api.request('GET', '/v1/api-keys?perPage=100')).body.data.map((k: { id: string }) => k.id);
    expect(ids).toContain(fresh.id);
    expect(ids).not.toContain(old.id);
  });

  it('rotates only API keys: a signed-in user gets 400', async () => {
    const user = new Api(t.server.url);
    await user.registerUser('rotator@example.com');
    const r = await user.request('POST', '/v1/auth/rotate-key');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('bad_request');
    expect(r.body.error.details[0].field).toBe('Authorization');
  });

  it('records lastUsedAt on first use and at most once a minute after', async () => {
    const tracked = await newKey(['read'], 'tracked');
    const find = async () => (await t.api.request('GET', '/v1/api-keys?perPage=100')).body.data.find((k: { id: string }) => k.id === tracked.id);
    expect((await find()).lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await as(tracked.key).request('GET', '/v1/jobs')).status).toBe(200);
    const first = (await find()).lastUsedAt as string;
    expect(Date.parse(first)).toBeGreaterThanOrEqual(before - 5);
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 5; i++) expect((await as(tracked.key).request('GET', '/v1/jobs')).status).toBe(200);
    expect((await find()).lastUsedAt).toBe(first);
  });

  it('lets a signed-in user manage the keys of the project they name', async () => {
    const user = new Api(t.server.url);
    const registered = await user.registerUser('keys-owner@example.com');
    const second = (await user.request('POST', '/v1/projects', { name: 'second' })).body.data;
    const inSecond = await user.request('POST', '/v1/api-keys', { name: 'for second', scopes: ['write'] }, { 'kairos-project': second.id });
    expect(inSecond.status).toBe(201);
    const keysOf = async (projectId: string) =>
      (await user.request('GET', '/v1/api-keys', undefined, { 'kairos-project': projectId })).body.data.map((k: { name: string }) => k.name);
    expect(await keysOf(second.id)).toEqual(['for second']);
    expect(await keysOf(registered.project.id)).toEqual(['default']);
    // The new key acts on the second project.
    const created = await as(inSecond.body.data.key).createJob(job);
    expect((await user.request('GET', `/v1/jobs/${created.id}`, undefined, { 'kairos-project': second.id })).status).toBe(200);
    expect((await user.request('GET', `/v1/jobs/${created.id}`, undefined, { 'kairos-project': registered.project.id })).status).toBe(404);
  });

  it('paginates keys, newest first', async () => {
    const p = new Api(t.server.url);
    await p.register('paged keys');
    for (let i = 0; i < 4; i++) await newKey(['read'], `k${i}`, p);
    const all = (await p.request('GET', '/v1/api-keys')).body.data as Array<{ id: string; createdAt: string }>;
    expect(all).toHaveLength(5);
    const created = all.map((k) => Date.parse(k.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const page = await p.request('GET', '/v1/api-keys?page=2&perPage=2');
    expect(page.body.meta).toEqual({ page: 2, perPage: 2, total: 5 });
    expect(page.body.data.map((k: { id: string }) => k.id)).toEqual(all.slice(2, 4).map((k) => k.id));
    expect((await p.request('GET', '/v1/api-keys?page=4&perPage=2')).body.data).toEqual([]);
  });
});
