import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { loadConfig } from '../../src/config.js';
import { useServer } from '../support/server.js';

const password = 'correct horse battery';

describe.each(databaseKinds)('closed registration on %s', (kind) => {
  const t = useServer(kind, { config: { registration: 'closed' } });
  let admin: { accessToken: string; apiKey: string; user: { isAdmin: boolean } };
  const anonymous = () => new Api(t.server.url);
  const as = (bearer: string) => new Api(t.server.url, bearer);

  function expectClosed(r: { status: number; body: any }) {
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error.code).toBe('registration_closed');
  }

  it('refuses anonymous projects even on a fresh install', async () => {
    expectClosed(await anonymous().request('POST', '/v1/auth/register-anonymous', { name: 'early bird' }));
  });

  it('lets the first account register on a fresh install, as the admin', async () => {
    const r = await anonymous().request('POST', '/v1/auth/register', { email: 'operator@example.com', password, name: 'Operator' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    admin = r.body.data;
    expect(admin.user.isAdmin).toBe(true);
  });

  it('then refuses sign-ups with 403 registration_closed', async () => {
    expectClosed(await anonymous().request('POST', '/v1/auth/register', { email: 'late@example.com', password, name: 'Late' }));
    expectClosed(await anonymous().request('POST', '/v1/auth/register-anonymous', { name: 'late server' }));
    // Closed means closed whether or not the email exists.
    expectClosed(await anonymous().request('POST', '/v1/auth/register', { email: 'operator@example.com', password, name: 'Again' }));
    // Signing in still works.
    expect((await anonymous().request('POST', '/v1/auth/login', { email: 'operator@example.com', password })).status).toBe(200);
  });

  it('lets the admin still create accounts, projects and keys', async () => {
    const operator = as(admin.accessToken);
    const project = await operator.request('POST', '/v1/auth/register-anonymous', { name: 'a server' });
    expect(project.status).toBe(201);
    expect((await as(project.body.data.apiKey).request('GET', '/v1/jobs')).status).toBe(200);

    const account = await operator.request('POST', '/v1/auth/register', { email: 'colleague@example.com', password, name: 'Colleague' });
    expect(account.status).toBe(201);
    expect(account.body.data.user.isAdmin).toBe(false);

    expect((await operator.request('POST', '/v1/projects', { name: 'second' })).status).toBe(201);
    const key = await operator.request('POST', '/v1/api-keys', { name: 'deploy', scopes: ['write'] }, { 'kairos-project': (await operator.request('GET', '/v1/projects')).body.data[1].id });
    expect(key.status).toBe(201);

    // The new account works, and may organise its own projects and keys, but not let others in.
    const colleague = as(account.body.data.accessToken);
    expect((await colleague.request('POST', '/v1/projects', { name: 'mine' })).status).toBe(201);
    expectClosed(await colleague.request('POST', '/v1/auth/register-anonymous', { name: 'friend' }));
    expectClosed(await colleague.request('POST', '/v1/auth/register', { email: 'friend@example.com', password, name: 'Friend' }));
    // Nor can the admin's API key: it is a key, not the admin.
    expectClosed(await as(admin.apiKey).request('POST', '/v1/auth/register-anonymous', { name: 'via key' }));
  });

  it('refuses a bad bearer on a registration with 401 rather than ignoring it', async () => {
    const r = await as('kr_live_not-a-real-key-at-all-000000000').request('POST', '/v1/auth/register-anonymous', { name: 'x' });
    expect(r.status).toBe(401);
  });
});

describe.each(databaseKinds)('the first account on %s', (kind) => {
  const t = useServer(kind);

  it('is the only admin even when the first sign-ups race, and projects made before do not count', async () => {
    await new Api(t.server.url).register('made before any account');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => new Api(t.server.url).request('POST', '/v1/auth/register', { email: `racer${i}@example.com`, password, name: `Racer ${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.filter((r) => r.body.data.user.isAdmin === true)).toHaveLength(1);
  });

  it('lets registration stay open afterwards by default', async () => {
    expect((await new Api(t.server.url).request('POST', '/v1/auth/register', { email: 'later@example.com', password, name: 'Later' })).status).toBe(201);
    expect((await new Api(t.server.url).request('POST', '/v1/auth/register-anonymous', { name: 'later server' })).status).toBe(201);
  });
});

describe('KAIROS_REGISTRATION and KAIROS_JWT_SECRET', () => {
  it('default to open registration and a generated secret, and refuse bad values at start', () => {
    expect(loadConfig({})).toMatchObject({ registration: 'open', jwtSecret: undefined });
    expect(loadConfig({ KAIROS_REGISTRATION: 'closed' }).registration).toBe('closed');
    expect(() => loadConfig({ KAIROS_REGISTRATION: 'invite-only' })).toThrow(/KAIROS_REGISTRATION/);
    expect(loadConfig({ KAIROS_JWT_SECRET: 's'.repeat(32) }).jwtSecret).toBe('s'.repeat(32));
    expect(() => loadConfig({ KAIROS_JWT_SECRET: 'short' })).toThrow(/KAIROS_JWT_SECRET/);
  });
});
