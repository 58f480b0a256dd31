import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../src/index.js';
import { useClientFixture } from './support/fixture.js';

describe('verifyWebhook on real deliveries', () => {
  const f = useClientFixture('webhooks');

  const deliver = async (path: string) => {
    const before = f.sink.arrivals.length;
    await f.kairos.schedule({ url: `${f.sink.url}${path}`, runIn: 50, payload: { order: 42 } });
    return (await f.sink.waitFor(before + 1)).find((a) => a.path === path)!;
  };

  let first = '';

  it('accepts a delivery signed with the project secret, and refuses a wrong secret, a changed body or an old timestamp', async () => {
    const { secret } = await f.kairos.signingSecrets.create();
    first = secret;
    const arrival = await deliver('/signed');
    expect(await verifyWebhook(arrival.body, arrival.headers as Record<string, string>, secret)).toEqual({ order: 42 });
    expect(await verifyWebhook(arrival.body, new Headers(arrival.headers as Record<string, string>), [secret])).toEqual({ order: 42 });

    const other = 'whsec_' + Buffer.from('another secret of thirty-two bytes').toString('base64');
    await expect(verifyWebhook(arrival.body, arrival.headers as Record<string, string>, other)).rejects.toThrow(WebhookVerificationError);
    await expect(verifyWebhook(arrival.body.replace('42', '43'), arrival.headers as Record<string, string>, secret)).rejects.toThrow('no signature matches');
    await expect(verifyWebhook(arrival.body, arrival.headers as Record<string, string>, secret, { now: new Date(Date.now() + 600_000) })).rejects.toThrow('too far from now');
    const { 'webhook-signature': _, ...unsigned } = arrival.headers as Record<string, string>;
    await expect(verifyWebhook(arrival.body, unsigned, secret)).rejects.toThrow('missing');
    await expect(verifyWebhook(arrival.body, arrival.headers as Record<string, string>, 'whsec_***not base64***')).rejects.toThrow(WebhookVerificationError);
  });

  it('accepts a delivery made during a rotation with the old secret or the new one', async () => {
    const { secret: fresh } = await f.kairos.signingSecrets.rotate();
    const arrival = await deliver('/rotating');
    const headers = arrival.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    // A receiver not yet switched, one switched, and one given both during the switch.
    expect(await verifyWebhook(arrival.body, headers, first)).toEqual({ order: 42 });
    expect(await verifyWebhook(arrival.body, headers, fresh)).toEqual({ order: 42 });
    expect(await verifyWebhook(arrival.body, headers, [fresh, first])).toEqual({ order: 42 });
    // Once the old secret is revoked, deliveries carry only the new signature.
    const old = (await f.kairos.signingSecrets.list()).find((s) => s.expiresAt !== null)!;
    await f.kairos.signingSecrets.delete(old.id);
    const after = await deliver('/after');
    await expect(verifyWebhook(after.body, after.headers as Record<string, string>, first)).rejects.toThrow(WebhookVerificationError);
    expect(await verifyWebhook(after.body, after.headers as Record<string, string>, [first, fresh])).toEqual({ order: 42 });
  });
});
