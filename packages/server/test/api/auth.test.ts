import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { Api, databaseKinds } from '@kairos/testkit';
import { useServer } from '../support/server.js';

const password = 'correct horse battery';
const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const jwt = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** A 422 that names `field` among its details. */
function expectInvalid(r: { status: number; body: any }, field: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.error.code).toBe('validation_failed');
  expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
}

describe.each(databaseKinds)('accounts and sessions on %s', (kind) => {
  const t = useServer(kind);
  const anonymous = () => new Api(t.server.url);
  const as = (bearer: string) => new Api(t.server.url, bearer);

  it('registers the first account as the admin, with a project, tokens and a key shown once', async () => {
    const r = await anonymous().request('POST', '/v1/auth/register', { email: 'Owner@Example.COM', password, name: 'The Owner' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const { user, project, accessToken, refreshToken, apiKey } = r.body.data;
    expect(user).toEqual({ id: expect.stringMatching(/^usr_/), email: 'owner@example.com', name: 'The Owner', isAdmin: true, createdAt: expect.stringMatching(iso) });
    expect(project).toEqual({ id: expect.stringMatching(/^prj_/), name: expect.any(String), createdAt: expect.stringMatching(iso) });
    expect(accessToken).toMatch(jwt);
    expect(refreshToken).toMatch(/^kr_refresh_[\w-]{43}$/);
    expect(apiKey).toMatch(/^kr_live_[\w-]{32}$/);
    expect(Date.parse(r.body.data.accessTokenExpiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(r.body.data.accessTokenExpiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(JSON.stringify(r.body)).not.toMatch(/password|scrypt/i);

    // The key and the access token both act on the new project.
    const byKey = await as(apiKey).request('GET', '/v1/jobs');
    expect(byKey.status).toBe(200);
    const me = await as(accessToken).request('GET', '/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual({ user, projects: [project] });

    // Later accounts are not admins.
    const second = await anonymous().request('POST', '/v1/auth/register', { email: 'second@example.com', password, name: 'Second' });
    expect(second.status).toBe(201);
    expect(second.body.data.user.isAdmin).toBe(false);
    expect(second.body.data.project.id).not.toBe(project.id);
  });

  it('refuses a second account with the same email, whatever its case, with 409', async () => {
    await anonymous().registerUser('dup@example.com');
    const r = await anonymous().request('POST', '/v1/auth/register', { email: 'DUP@Example.com', password, name: 'Again' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('conflict');
    expect(r.body.error.details[0].field).toBe('email');
  });

  it('names each invalid registration field with 422', async () => {
    const ok = { email: 'valid@example.com', password, name: 'Valid' };
    const register = (body: unknown) => anonymous().request('POST', '/v1/auth/register', body);
    expectInvalid(await register({ ...ok, email: 'not-an-email' }), 'email');
    expectInvalid(await register({ ...ok, email: 'a@b' }), 'email');
    expectInvalid(await register({ ...ok, email: 42 }), 'email');
    expectInvalid(await register({ ...ok, email: `${'a'.repeat(250)}@example.com` }), 'email');
    expectInvalid(await register({ ...ok, password: 'seven77' }), 'password');
    expectInvalid(await register({ ...ok, password: 'x'.repeat(129) }), 'password');
    expectInvalid(await register({ ...ok, name: '' }), 'name');
    expectInvalid(await register({ ...ok, name: 'n'.repeat(256) }), 'name');
    expectInvalid(await register({ email: ok.email, password }), 'name');
    expectInvalid(await register({ ...ok, isAdmin: true }), 'isAdmin');
    // The limits themselves are accepted.
    const edge = await register({ email: 'edge@example.com', password: 'x'.repeat(128), name: 'n'.repeat(255) });
    expect(edge.status).toBe(201);
    const shortest = await register({ email: 'short@example.com', password: '8 chars!', name: 'n' });
    expect(shortest.status).toBe(201);
  });

  it('signs in with the right password only, with one answer for an unknown email and a wrong password', async () => {
    const registered = await anonymous().registerUser('login@example.com', password, 'Login');
    const r = await anonymous().request('POST', '/v1/auth/login', { email: 'LOGIN@example.com', password });
    expect(r.status).toBe(200);
    expect(r.body.data.user).toEqual(registered.user);
    expect(r.body.data.accessToken).toMatch(jwt);
    expect(r.body.data.refreshToken).toMatch(/^kr_refresh_/);
    expect(r.body.data.refreshToken).not.toBe(registered.refreshToken);
    expect(r.body.data.apiKey).toBeUndefined();
    expect((await as(r.body.data.accessToken).request('GET', '/v1/auth/me')).body.data.user.id).toBe(registered.user.id);

    const wrong = await anonymous().request('POST', '/v1/auth/login', { email: 'login@example.com', password: 'not the password' });
    const unknown = await anonymous().request('POST', '/v1/auth/login', { email: 'nobody@example.com', password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('unauthorized');

    expectInvalid(await anonymous().request('POST', '/v1/auth/login', { email: 'login@example.com' }), 'password');
    expectInvalid(await anonymous().request('POST', '/v1/auth/login', { password }), 'email');
    expectInvalid(await anonymous().request('POST', '/v1/auth/login', { email: 'login@example.com', password: 'x'.repeat(129) }), 'password');
    expectInvalid(await anonymous().request('POST', '/v1/auth/login', { email: 'login@example.com', password, remember: true }), 'remember');
  });

  it('rotates refresh tokens, and a reused one revokes the whole sign-in', async () => {
    const { accessToken, refreshToken } = await anonymous().registerUser('refresh@example.com');
    const first = await anonymous().request('POST', '/v1/auth/refresh', { refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.data.accessToken).toMatch(jwt);
    expect(first.body.data.refreshToken).not.toBe(refreshToken);
    const second = await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: first.body.data.refreshToken });
    expect(second.status).toBe(200);
    expect((await as(second.body.data.accessToken).request('GET', '/v1/auth/me')).status).toBe(200);

    // The first token again: it was rotated out, so someone else holds a copy.
    const reused = await anonymous().request('POST', '/v1/auth/refresh', { refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('unauthorized');
    // The whole family is gone: the newest refresh token and every access token of the sign-in.
    expect((await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: second.body.data.refreshToken })).status).toBe(401);
    expect((await as(second.body.data.accessToken).request('GET', '/v1/auth/me')).status).toBe(401);
    expect((await as(accessToken).request('GET', '/v1/auth/me')).status).toBe(401);

    // Another sign-in of the same user is untouched.
    const login = await anonymous().request('POST', '/v1/auth/login', { email: 'refresh@example.com', password });
    expect((await as(login.body.data.accessToken).request('GET', '/v1/auth/me')).status).toBe(200);
    expect((await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: login.body.data.refreshToken })).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes with the same token succeed', async () => {
    const { refreshToken } = await anonymous().registerUser('race@example.com');
    const results = await Promise.all([0, 1, 2].map(() => anonymous().request('POST', '/v1/auth/refresh', { refreshToken })));
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(2);
  });

  it('refuses unknown and malformed refresh tokens', async () => {
    expect((await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: 'kr_refresh_nope' })).status).toBe(401);
    expectInvalid(await anonymous().request('POST', '/v1/auth/refresh', {}), 'refreshToken');
    expectInvalid(await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: '' }), 'refreshToken');
    expectInvalid(await anonymous().request('POST', '/v1/auth/refresh', { refreshToken: 'x'.repeat(201) }), 'refreshToken');
  });

  it('describes an API key on /v1/auth/me: its project and scopes', async () => {
    const owner = await anonymous().registerUser('me@example.com');
    const r = await as(owner.apiKey).request('GET', '/v1/auth/me');
    expect(r.status).toBe(200);
    expect(r.body.data.project).toEqual(owner.project);
    expect(r.body.data.scopes).toEqual(['read', 'write', 'admin']);
    expect(r.body.data.apiKey).toMatchObject({ id: expect.stringMatching(/^key_/), prefix: 'kr_live_', lastFour: owner.apiKey.slice(-4) });
    expect(JSON.stringify(r.body)).not.toContain(owner.apiKey);

    const created = await as(owner.accessToken).request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const reader = await as(created.body.data.key).request('GET', '/v1/auth/me');
    expect(reader.status).toBe(200);
    expect(reader.body.data.scopes).toEqual(['read']);
  });

  it('refuses a missing, malformed, forged or revoked bearer with 401', async () => {
    const owner = await anonymous().registerUser('bearer@example.com');
    const none = await anonymous().request('GET', '/v1/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await anonymous().request('GET', '/v1/auth/me', undefined, { authorization: `Basic ${owner.apiKey}` })).status).toBe(401);
    expect((await as('not-a-token').request('GET', '/v1/auth/me')).status).toBe(401);
    // Another signature, and no signature at all.
    const [header, payload] = owner.accessToken.split('.');
    expect((await as(`${header}.${payload}.${'A'.repeat(43)}`).request('GET', '/v1/auth/me')).status).toBe(401);
    const none64 = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await as(`${none64}.${payload}.`).request('GET', '/v1/auth/me')).status).toBe(401);
    // The scheme name is case-insensitive.
    expect((await anonymous().request('GET', '/v1/auth/me', undefined, { authorization: `bearer ${owner.accessToken}` })).status).toBe(200);

    const keys = await as(owner.accessToken).request('GET', '/v1/api-keys');
    expect((await as(owner.accessToken).request('DELETE', `/v1/api-keys/${keys.body.data[0].id}`)).status).toBe(204);
    const revoked = await as(owner.apiKey).request('GET', '/v1/auth/me');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('unauthorized');
  });

  it('keeps access tokens valid across a restart: the generated secret is stored in the database', async () => {
    const { accessToken, refreshToken } = await anonymous().registerUser('restart@example.com');
    await t.restart();
    expect((await as(accessToken).request('GET', '/v1/auth/me')).status).toBe(200);
    expect((await anonymous().request('POST', '/v1/auth/refresh', { refreshToken })).status).toBe(200);
  });
});

describe.each(databaseKinds)('access tokens signed with KAIROS_JWT_SECRET on %s', (kind) => {
  const secret = 'an operator secret that is long enough for HS256';
  const t = useServer(kind, { config: { jwtSecret: secret } });

  const sign = (claims: Record<string, unknown>, key: string, exp: number, sub: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer('kairos')
      .setAudience('kairos:api')
      .setIssuedAt(exp - 900)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(key));

  it('accepts its own tokens and refuses expired ones, other secrets and other audiences', async () => {
    const owner = await new Api(t.server.url).registerUser('operator@example.com');
    const me = await new Api(t.server.url, owner.accessToken).request('GET', '/v1/auth/me');
    expect(me.status).toBe(200);
    const [, payload] = owner.accessToken.split('.');
    const { sid, sub } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string; sub: string };
    const now = Math.floor(Date.now() / 1000);

    // Signed with the operator's secret: a fresh copy of the claims passes, so the refusals below are about what they change.
    expect((await new Api(t.server.url, await sign({ sid }, secret, now + 600, sub)).request('GET', '/v1/auth/me')).status).toBe(200);
    const expired = await new Api(t.server.url, await sign({ sid }, secret, now - 1, sub)).request('GET', '/v1/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthorized');
    expect((await new Api(t.server.url, await sign({ sid }, 'another secret of the same sort of length', now + 600, sub)).request('GET', '/v1/auth/me')).status).toBe(401);
    expect((await new Api(t.server.url, await sign({ sid: 'ses_unknown' }, secret, now + 600, sub)).request('GET', '/v1/auth/me')).status).toBe(401);
    const otherAudience = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer('kairos')
      .setAudience('someone-else')
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(secret));
    expect((await new Api(t.server.url, otherAudience).request('GET', '/v1/auth/me')).status).toBe(401);
  });
});
