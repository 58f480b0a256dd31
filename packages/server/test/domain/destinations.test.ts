import { describe, expect, it } from 'vitest';
import { compileDestination, destinationHttpRequest, emailMessage, maskDestination, maskSecret, maskUrl, type DestinationSettings } from '../../src/domain/destinations.js';

const allowAll = () => null;
const settings: DestinationSettings = { telegramApiUrl: 'https://api.telegram.org', emailUnavailable: null };
const token = '123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0';

describe('compileDestination', () => {
  it('accepts each type with what it needs', () => {
    expect(compileDestination({ type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/x' }, { text: 'hi' }, allowAll, settings)).toMatchObject({ ok: true });
    expect(compileDestination({ type: 'discord', webhookUrl: 'https://discord.com/api/webhooks/1/abc' }, { content: 'hi' }, allowAll, settings)).toMatchObject({ ok: true });
    expect(compileDestination({ type: 'telegram', botToken: token, chatId: -100123456 }, { text: 'hi' }, allowAll, settings)).toMatchObject({ ok: true });
    expect(compileDestination({ type: 'email', to: 'a@example.com', subject: 'S' }, { html: '<p>x</p>' }, allowAll, settings)).toEqual({
      ok: true,
      value: { type: 'email', to: ['a@example.com'], subject: 'S' },
    });
  });

  it('names each missing or wrong field', () => {
    const fields = (d: unknown, p: unknown, s = settings) => {
      const r = compileDestination(d, p, allowAll, s);
      return r.ok ? [] : r.issues.map((i) => i.field);
    };
    expect(fields({ type: 'slack' }, {})).toEqual(['destination.webhookUrl', 'payload.text']);
    expect(fields({ type: 'discord', webhookUrl: 'https://d.example/x' }, { other: 1 })).toEqual(['payload.text']);
    expect(fields({ type: 'telegram', botToken: token }, { text: 'x' })).toEqual(['destination.chatId']);
    expect(fields({ type: 'telegram', botToken: 'no/slashes', chatId: '1' }, { text: 'x' })).toEqual(['destination.botToken']);
    expect(fields({ type: 'email', to: ['a@example.com', 'nope'], subject: 'S' }, { text: 'x' })).toEqual(['destination.to[1]']);
    expect(fields({ type: 'email', to: 'a@example.com', subject: 'a\r\nBcc: x@y.z' }, { text: 'x' })).toEqual(['destination.subject']);
    expect(fields({ type: 'email', to: 'a@example.com', subject: 'S' }, { text: 'x' }, { ...settings, emailUnavailable: 'set KAIROS_SMTP_URL' })).toEqual(['destination']);
    expect(fields({ type: 'pager' }, {})).toEqual(['destination.type']);
    expect(fields({ type: 'slack', webhookUrl: 'https://h.example/x', botToken: token }, { text: 'x' })).toEqual(['destination.botToken']);
  });

  it('puts webhook URLs and the Telegram API through the target policy', () => {
    const refuseLocal = (url: string) => (url.includes('127.0.0.1') ? 'must resolve to a public address' : null);
    const slack = compileDestination({ type: 'slack', webhookUrl: 'http://127.0.0.1/hook' }, { text: 'x' }, refuseLocal, settings);
    expect(slack).toMatchObject({ ok: false, issues: [{ field: 'destination.webhookUrl' }] });
    const tg = compileDestination({ type: 'telegram', botToken: token, chatId: '1' }, { text: 'x' }, refuseLocal, { ...settings, telegramApiUrl: 'http://127.0.0.1:9' });
    expect(tg).toMatchObject({ ok: false, issues: [{ field: 'destination' }] });
  });
});

describe('masking', () => {
  it('keeps a short prefix and suffix of long secrets and nothing of short ones', () => {
    expect(maskSecret(token)).toBe('1234…m9T0');
    expect(maskSecret('123:ABC')).toBe('…');
    expect(maskUrl('https://hooks.slack.com/services/T000/B000/XXXXXXXXwxyz')).toBe('https://hooks.slack.com/…wxyz');
    expect(maskDestination({ type: 'telegram', botToken: token, chatId: 5 })).toEqual({ type: 'telegram', botToken: '1234…m9T0', chatId: 5 });
  });
});

describe('requests', () => {
  it('builds each service\'s body, and a Telegram URL whose shown form hides the token', () => {
    expect(destinationHttpRequest({ type: 'slack', webhookUrl: 'https://h.example/a' }, { text: 'hi', extra: 1 }, '').body).toBe('{"text":"hi"}');
    expect(destinationHttpRequest({ type: 'discord', webhookUrl: 'https://h.example/a' }, { text: 'hi' }, '').body).toBe('{"content":"hi"}');
    const tg = destinationHttpRequest({ type: 'telegram', botToken: token, chatId: '-1001' }, { text: 'hi' }, 'https://api.telegram.org/');
    expect(tg).toEqual({
      url: `https://api.telegram.org/bot${token}/sendMessage`,
      shownUrl: 'https://api.telegram.org/bot1234…m9T0/sendMessage',
      body: '{"chat_id":"-1001","text":"hi"}',
    });
    expect(emailMessage({ type: 'email', to: ['a@example.com'], subject: 'S' }, { html: '<b>x</b>' })).toEqual({ to: ['a@example.com'], subject: 'S', html: '<b>x</b>', text: null });
  });
});
