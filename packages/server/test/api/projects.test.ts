import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { useServer } from '../support/server.js';

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const job = { url: 'http://127.0.0.1:9/never', schedule: { type: 'cron', expression: '0 0 1 1 *' } };

function expectInvalid(r: { status: number; body: any }, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.error.code).toBe('validation_failed');
  expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
}

describe.each(databaseKinds)('projects on %s', (kind) => {
  const t = useServer(kind);
  const as = (bearer: string) => new Api(t.server.url, bearer);

  it("lists a user's projects and creates more", async () => {
    const user = new Api(t.server.url);
    const { project: first } = await user.registerUser('many@example.com');
    const one = await user.request('GET', '/v1/projects');
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ data: [first], meta: { page: 1, perPage: 20, total: 1 } });

    const created = await user.request('POST', '/v1/projects', { name: 'Staging' });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ id: expect.stringMatching(/^prj_/), name: 'Staging', createdAt: expect.stringMatching(iso) });
    const third = (await user.request('POST', '/v1/projects', { name: 'Production' })).body.data;

    const all = await user.request('GET', '/v1/projects');
    expect(all.body.meta.total).toBe(3);
    expect(all.body.data.map((p: { id: string }) => p.id)).toEqual([first.id, created.body.data.id, third.id]);
    const page = await user.request('GET', '/v1/projects?page=2&perPage=2');
    expect(page.body).toEqual({ data: [third], meta: { page: 2, perPage: 2, total: 3 } });
    expectInvalid(await user.request('GET', '/v1/projects?perPage=101'), 'perPage');
    expectInvalid(await user.request('GET', '/v1/projects?page=0'), 'page');

    // /v1/auth/me lists them too; another user sees none of them.
    expect((await user.request('GET', '/v1/auth/me')).body.data.projects).toHaveLength(3);
    const stranger = new Api(t.server.url);
    await stranger.registerUser('stranger@example.com');
    expect((await stranger.request('GET', '/v1/projects')).body.meta.total).toBe(1);
  });

  it('names an invalid project name with 422, and accepts 100 characters', async () => {
    const user = new Api(t.server.url);
    await user.registerUser('names@example.com');
    expectInvalid(await user.request('POST', '/v1/projects', {}), 'name');
    expectInvalid(await user.request('POST', '/v1/projects', { name: '' }), 'name');
    expectInvalid(await user.request('POST', '/v1/projects', { name: 'n'.repeat(101) }), 'name');
    expectInvalid(await user.request('POST', '/v1/projects', { name: 7 }), 'name');
    expectInvalid(await user.request('POST', '/v1/projects', { name: 'ok', ownerId: 'usr_x' }), 'ownerId');
    expect((await user.request('POST', '/v1/projects', { name: 'n'.repeat(100) })).status).toBe(201);
  });

  it('gives an API key its one project, and no way to create others', async () => {
    const user = new Api(t.server.url);
    const { apiKey, project } = await user.registerUser('keyholder@example.com');
    await user.request('POST', '/v1/projects', { name: 'second' });
    const key = as(apiKey);
    const list = await key.request('GET', '/v1/projects');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [project], meta: { page: 1, perPage: 20, total: 1 } });
    const create = await key.request('POST', '/v1/projects', { name: 'sneaky' });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect((await user.request('GET', '/v1/projects')).body.meta.total).toBe(2);
  });

  it('refuses projects without a bearer or with a revoked key: 401', async () => {
    const anon = new Api(t.server.url);
    await anon.register('revoked');
    const keyId = (await anon.request('GET', '/v1/api-keys')).body.data[0].id;
    const revokedKey = anon.key!;
    expect((await anon.request('DELETE', `/v1/api-keys/${keyId}`)).status).toBe(204);
    for (const client of [new Api(t.server.url), as(revokedKey)]) {
      expect((await client.request('GET', '/v1/projects')).status).toBe(401);
      expect((await client.request('POST', '/v1/projects', { name: 'x' })).status).toBe(401);
      expect((await client.request('GET', '/v1/auth/me')).status).toBe(401);
    }
  });

  it('acts for a signed-in user on the project named in Kairos-Project', async () => {
    const user = new Api(t.server.url);
    const { project: first } = await user.registerUser('header@example.com');
    // One project: the header may be left out.
    const inFirst = await user.createJob(job);
    expect((await user.request('GET', `/v1/jobs/${inFirst.id}`)).status).toBe(200);

    const second = (await user.request('POST', '/v1/projects', { name: 'second' })).body.data;
    // Several projects: the header is required, and named when missing.
    const missing = await user.request('GET', '/v1/jobs');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('bad_request');
    expect(missing.body.error.details[0].field).toBe('Kairos-Project');
    expect(missing.body.error.message).toContain('Kairos-Project');

    const inSecond = await user.request('POST', '/v1/jobs', job, { 'kairos-project': second.id });
    expect(inSecond.status).toBe(201);
    const listFirst = await user.request('GET', '/v1/jobs', undefined, { 'Kairos-Project': first.id });
    expect(listFirst.body.data.map((j: { id: string }) => j.id)).toEqual([inFirst.id]);
    const listSecond = await user.request('GET', '/v1/jobs', undefined, { 'Kairos-Project': second.id });
    expect(listSecond.body.data.map((j: { id: string }) => j.id)).toEqual([inSecond.body.data.id]);
    expect((await user.request('GET', `/v1/jobs/${inFirst.id}`, undefined, { 'kairos-project': second.id })).status).toBe(404);

    // A project that is not theirs, or does not exist, is not found.
    const other = new Api(t.server.url);
    const { project: theirs } = await other.registerUser('header-other@example.com');
    for (const id of [theirs.id, 'prj_doesnotexist']) {
      const r = await user.request('GET', '/v1/jobs', undefined, { 'kairos-project': id });
      expect(r.status, id).toBe(404);
      expect(r.body.error.details[0].field).toBe('Kairos-Project');
    }
  });

  it("keeps projects apart: a key of project A cannot see project B's jobs", async () => {
    const a = new Api(t.server.url);
    await a.register('project A');
    const b = new Api(t.server.url);
    await b.register('project B');
    const bJob = await b.createJob(job);
    const aJob = await a.createJob(job);

    expect((await a.request('GET', `/v1/jobs/${bJob.id}`)).status).toBe(404);
    expect((await a.request('GET', `/v1/jobs/${bJob.id}/executions`)).status).toBe(404);
    expect((await a.request('DELETE', `/v1/jobs/${bJob.id}`)).status).toBe(404);
    const list = await a.request('GET', '/v1/jobs?perPage=100');
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([aJob.id]);
    expect(list.body.meta.total).toBe(1);
    // Naming B's project does not help a key of A.
    const bProject = (await b.request('GET', '/v1/auth/me')).body.data.project.id;
    expect((await a.request('GET', `/v1/jobs/${bJob.id}`, undefined, { 'kairos-project': bProject })).status).toBe(404);
    expect((await a.request('GET', '/v1/jobs', undefined, { 'kairos-project': bProject })).status).toBe(404);
    // B still has its job.
    expect((await b.request('GET', `/v1/jobs/${bJob.id}`)).status).toBe(200);
  });
});
