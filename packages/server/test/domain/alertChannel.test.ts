import { describe, expect, it } from 'vitest';
import { compileAlertChannel, maskAlertChannelConfig } from '../../src/domain/alertChannel.js';
import type { DestinationSettings } from '../../src/domain/destinations.js';

const allowAll = () => null;
const settings: DestinationSettings = { telegramApiUrl: 'https://api.telegram.org', emailUnavailable: null };
const token = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';

const fields = (input: unknown, s = settings, checkUrl: (u: string) => string | null = allowAll) => {
  const r = compileAlertChannel(input, checkUrl, s);
  return r.ok ? [] : r.issues.map((i) => i.field);
};

describe('compileAlertChannel', () => {
  it('accepts each type with what it needs', () => {
    expect(compileAlertChannel({ type: 'slack', name: ' Eng ', config: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' } }, allowAll, settings)).toEqual({
      ok: true,
      value: { type: 'slack', name: 'Eng', config: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' } },
    });
    expect(compileAlertChannel({ type: 'discord', name: 'D', config: { webhookUrl: 'https://discord.com/api/webhooks/1/abc' } }, allowAll, settings)).toMatchObject({ ok: true });
    expect(compileAlertChannel({ type: 'email', name: 'E', config: { addresses: ['a@example.com', 'a@example.com', 'b@example.com'] } }, allowAll, settings)).toMatchObject({
      ok: true,
      value: { config: { addresses: ['a@example.com', 'b@example.com'] } },
    });
    expect(compileAlertChannel({ type: 'webhook', name: 'W', config: { url: 'https://events.example.com/in' } }, allowAll, settings)).toMatchObject({
      ok: true,
      value: { config: { url: 'https://events.example.com/in', headers: {} } },
    });
    expect(compileAlertChannel({ type: 'telegram', name: 'T', config: { botToken: token, chatId: -100123 } }, allowAll, settings)).toMatchObject({ ok: true });
  });

  it('names each missing or wrong config field', () => {
    expect(fields({ type: 'slack', name: 'x', config: {} })).toEqual(['config.webhookUrl']);
    expect(fields({ type: 'discord', name: 'x', config: { webhookUrl: 'https://h.example/…abcd' } })).toEqual(['config.webhookUrl']);
    expect(fields({ type: 'webhook', name: 'x', config: { headers: { 'X-Ok': 'v' } } })).toEqual(['config.url']);
    expect(fields({ type: 'webhook', name: 'x', config: { url: 'https://a.example', headers: { 'bad name': 'v', 'webhook-id': 'x', 'X-Line': 'a\nb' } } })).toEqual([
      'config.headers.bad name',
      'config.headers.webhook-id',
      'config.headers.X-Line',
    ]);
    expect(fields({ type: 'telegram', name: 'x', config: { botToken: token } })).toEqual(['config.chatId']);
    expect(fields({ type: 'telegram', name: 'x', config: { botToken: 'nope', chatId: '1' } })).toEqual(['config.botToken']);
    expect(fields({ type: 'email', name: 'x', config: { addresses: [] } })).toEqual(['config.addresses']);
    expect(fields({ type: 'email', name: 'x', config: { addresses: ['a@example.com', 'nope'] } })).toEqual(['config.addresses[1]']);
    expect(fields({ type: 'email', name: 'x', config: { addresses: Array.from({ length: 21 }, (_, i) => `u${i}@example.com`) } })).toEqual(['config.addresses']);
    expect(fields({ type: 'email', name: 'x', config: { addresses: ['a@example.com'] } }, { ...settings, emailUnavailable: 'set KAIROS_SMTP_URL' })).toEqual(['type']);
    expect(fields({ type: 'slack', name: 'x', config: { webhookUrl: 'https://h.example/x', botToken: token } })).toEqual(['config.botToken']);
    expect(fields({ type: 'pager', name: 'x', config: {} })).toEqual(['type']);
    expect(fields({ type: 'slack', config: { webhookUrl: 'https://h.example/x' } })).toEqual(['name']);
    expect(fields({ type: 'slack', name: 'x' })).toEqual(['config']);
  });

  it('puts URLs and the Telegram API through the target policy', () => {
    const refuseLocal = (url: string) => (url.includes('127.0.0.1') ? 'must resolve to a public address' : null);
    expect(fields({ type: 'webhook', name: 'x', config: { url: 'http://127.0.0.1/hook' } }, settings, refuseLocal)).toEqual(['config.url']);
    expect(fields({ type: 'slack', name: 'x', config: { webhookUrl: 'http://127.0.0.1/hook' } }, settings, refuseLocal)).toEqual(['config.webhookUrl']);
    expect(fields({ type: 'telegram', name: 'x', config: { botToken: token, chatId: '1' } }, { ...settings, telegramApiUrl: 'http://127.0.0.1:9' }, refuseLocal)).toEqual(['type']);
  });
});

describe('maskAlertChannelConfig', () => {
  it('masks webhook URLs, bot tokens and header values, and keeps addresses', () => {
    expect(maskAlertChannelConfig({ type: 'slack', config: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/secretsecret' } })).toEqual({ webhookUrl: 'https://hooks.slack.com/…cret' });
    expect(maskAlertChannelConfig({ type: 'telegram', config: { botToken: token, chatId: '@ops' } })).toEqual({ botToken: '1234…m9T0', chatId: '@ops' });
    expect(maskAlertChannelConfig({ type: 'webhook', config: { url: 'https://events.example.com/v2/enqueue/tok3n', headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz' } } })).toEqual({
      url: 'https://events.example.com/…ok3n',
      headers: { Authorization: 'Bear…wxyz' },
    });
    expect(maskAlertChannelConfig({ type: 'email', config: { addresses: ['a@example.com'] } })).toEqual({ addresses: ['a@example.com'] });
  });
});
