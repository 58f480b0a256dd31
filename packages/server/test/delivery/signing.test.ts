import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Api, type Arrival, databaseKinds } from '@kairos/testkit';
import { eventually, usePeer, useTestServer } from '../support/server.js';

type Verify = (secret: string, headers: Record<string, unknown>, body: string, toleranceSeconds?: number) => boolean;

/** The README's verification snippet, taken from README.md as it is and imported. */
async function readmeVerifier(): Promise<Verify> {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Signatures'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('no js block in the README Signatures section');
  const dir = mkdtempSync(join(tmpdir(), 'kairos-readme-'));
  try {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, code);
    const mod = (await import(pathToFileURL(file).href)) as { verifyKairosDelivery: Verify };
    return mod.verifyKairosDelivery;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const headersOf = (a: Arrival) => a.headers as Record<string, string>;

describe.each(databaseKinds)('signed deliveries on %s', (kind) => {
  const t = useTestServer(kind);
  let verifyReadme: Verify;

  beforeAll(async () => {
    verifyReadme = await readmeVerifier();
  });

  const deliverOnce = async (path: string, extra: Record<string, unknown> = {}) => {
    const before = t.sink.arrivals.length;
    const job = await t.api.createJob({ url: `${t.sink.url}${path}`, payload: { hello: 'world', n: 1 }, schedule: { type: 'once', delay: 20 }, ...extra });
    await t.sink.waitFor(before + 1);
    return { job, arrival: t.sink.arrivals.find((a) => a.path === path)! };
  };

  it('manages secrets: shown once, listed without the secret, rotated, revoked', async () => {
    const created = await t.api.request('POST', '/v1/signing-secrets');
    expect(created.status).toBe(201);
    expect(created.body.data.id).toMatch(/^ss_/);
    expect(created.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(created.body.data.secret.slice(6), 'base64')).toHaveLength(24);
    expect(created.body.data.expiresAt).toBeNull();

    const again = await t.api.request('POST', '/v1/signing-secrets');
    expect(again.status).toBe(409);

    const list = await t.api.request('GET', '/v1/signing-secrets');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([{ id: created.body.data.id, lastFour: created.body.data.secret.slice(-4), createdAt: created.body.data.createdAt, expiresAt: null }]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.data.secret.slice(6, 20));

    const readKey = await t.api.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const reader = new Api(t.server.url, readKey.body.data.key);
    expect((await reader.request('GET', '/v1/signing-secrets')).status).toBe(200);
    expect((await reader.request('POST', '/v1/signing-secrets/rotate')).status).toBe(403);
    expect((await reader.request('DELETE', `/v1/signing-secrets/${created.body.data.id}`)).status).toBe(403);
    expect((await t.api.request('DELETE', '/v1/signing-secrets/ss_nope')).status).toBe(404);
    await t.api.request('DELETE', `/v1/signing-secrets/${created.body.data.id}`);
    expect((await t.api.request('GET', '/v1/signing-secrets')).body.data).toEqual([]);
  });

  it('signs deliveries so that standardwebhooks and the README snippet verify them, and names the execution', async () => {
    const unsigned = await deliverOnce('/unsigned');
    expect(headersOf(unsigned.arrival)['webhook-signature']).toBeUndefined();

    const { secret } = (await t.api.request('POST', '/v1/signing-secrets/rotate')).body.data as { secret: string };
    const { job, arrival } = await deliverOnce('/signed');
    const headers = headersOf(arrival);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(headers['webhook-id']).toMatch(/^dlv_/);
    expect(arrival.body).toBe('{"hello":"world","n":1}');
    expect(new Webhook(secret).verify(arrival.body, headers)).toEqual({ hello: 'world', n: 1 });
    expect(verifyReadme(secret, headers, arrival.body)).toBe(true);
    // Tampering is caught.
    expect(() => new Webhook(secret).verify(arrival.body.replace('1', '2'), headers)).toThrow();
    expect(verifyReadme(secret, headers, arrival.body.replace('1', '2'))).toBe(false);

    // A replay of this delivery ten minutes on is refused for its stale timestamp.
    vi.useFakeTimers({ now: Date.now() + 10 * 60_000, toFake: ['Date'] });
    try {
      expect(() => new Webhook(secret).verify(arrival.body, headers)).toThrow(/timestamp/i);
      expect(verifyReadme(secret, headers, arrival.body)).toBe(false);
    } finally {
      vi.useRealTimers();
    }

    const execution = await eventually(async () => (await t.api.request('GET', `/v1/jobs/${job.id}/executions`)).body.data[0]);
    expect(headers['kairos-execution-id']).toBe(execution.id);
    expect(headers['kairos-job-id']).toBe(job.id);
    expect(headers['kairos-attempt']).toBe('1');
  });

  it('signs with both secrets after a rotation, and only the new one once the old is revoked', async () => {
    const first = (await t.api.request('POST', '/v1/signing-secrets/rotate')).body.data as { id: string; secret: string };
    const second = (await t.api.request('POST', '/v1/signing-secrets/rotate')).body.data as { id: string; secret: string };
    const list = (await t.api.request('GET', '/v1/signing-secrets')).body.data as any[];
    const old = list.find((s) => s.id === first.id);
    expect(Date.parse(old.expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(list.find((s) => s.id === second.id).expiresAt).toBeNull();

    const both = headersOf((await deliverOnce('/rotated')).arrival);
    expect(both['webhook-signature']!.split(' ')).toHaveLength(list.length);
    const body = t.sink.arrivals.find((a) => a.path === '/rotated')!.body;
    expect(new Webhook(first.secret).verify(body, both)).toBeTruthy();
    expect(new Webhook(second.secret).verify(body, both)).toBeTruthy();
    expect(verifyReadme(first.secret, both, body)).toBe(true);

    for (const s of list.filter((x) => x.id !== second.id)) expect((await t.api.request('DELETE', `/v1/signing-secrets/${s.id}`)).status).toBe(204);
    const after = headersOf((await deliverOnce('/revoked')).arrival);
    const afterBody = t.sink.arrivals.find((a) => a.path === '/revoked')!.body;
    expect(after['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(first.secret).verify(afterBody, after)).toThrow();
    expect(new Webhook(second.secret).verify(afterBody, after)).toBeTruthy();
  });
});

describe('a signing secret revoked through one node', () => {
  const a = useTestServer('postgres');
  const b = usePeer(a);

  it('stops signing on every node within a few seconds', async () => {
    const { api, sink } = a;
    const secret = (await api.request('POST', '/v1/signing-secrets')).body.data as { id: string; secret: string };
    // Created through B, whose engine claims it at once (and keeps its next occurrences);
    // revoked through A, so B learns of it only by reading the secrets again.
    const viaB = new Api(b.server.url, api.key);
    const job = await viaB.createJob({ url: `${sink.url}/tick`, method: 'GET', schedule: { type: 'interval', every: '1s' } });
    await sink.waitFor(3);
    expect(sink.arrivals.every((x) => typeof x.headers['webhook-signature'] === 'string')).toBe(true);
    expect((await api.request('DELETE', `/v1/signing-secrets/${secret.id}`)).status).toBe(204);
    const revokedAt = Date.now();
    await new Promise((r) => setTimeout(r, 6_500));
    await api.request('POST', `/v1/jobs/${job.id}/pause`);
    // Allow for the 2 s cache, the one delivery (a second apart) that uses the old keys while
    // they are read again, and one already on its way when the revocation landed.
    const late = sink.arrivals.filter((x) => x.at > revokedAt + 4_000);
    expect(late.length).toBeGreaterThanOrEqual(1);
    expect(late.filter((x) => x.headers['webhook-signature'] !== undefined)).toEqual([]);
  });
});
