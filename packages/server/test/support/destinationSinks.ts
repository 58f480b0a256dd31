import { afterAll, beforeAll } from 'vitest';
import { type Sink, startSink } from '@kairos/testkit';
import type { Config } from '../../src/config.js';
import { type SmtpSink, startSmtpSink } from './smtp.js';

/** The far ends of built-in destinations and alert channels: a webhook host (Slack, Discord…), Telegram's Bot API, an SMTP server. */
export interface DestinationSinks {
  /** Answers 500 "no_service" on paths starting with /fail, else 200 "ok". */
  hooks: Sink;
  telegram: Sink;
  smtp: SmtpSink;
  /** The server settings that point Telegram and email at them. */
  config: Partial<Config>;
  close(): Promise<void>;
}

/**
 * The {@link DestinationSinks} for the enclosing describe block, started before a server that is
 * set up after this call (its `config` given as a function) and closed after it.
 */
export function useDestinationSinks(): Omit<DestinationSinks, 'close'> {
  const fixture = {} as DestinationSinks;
  beforeAll(async () => {
    Object.assign(fixture, await startDestinationSinks());
  });
  afterAll(async () => {
    await fixture.close?.();
  });
  return fixture;
}

export async function startDestinationSinks(): Promise<DestinationSinks> {
  const hooks = await startSink();
  hooks.respond = (a) => (a.path.startsWith('/fail') ? { status: 500, body: 'no_service' } : { body: 'ok' });
  const telegram = await startSink();
  telegram.respond = () => ({ headers: { 'content-type': 'application/json' }, body: '{"ok":true,"result":{"message_id":1}}' });
  const smtp = await startSmtpSink();
  return {
    hooks,
    telegram,
    smtp,
    config: { telegramApiUrl: telegram.url, smtpUrl: smtp.url, emailFrom: 'Kairos <kairos@example.com>' },
    async close() {
      await Promise.all([hooks.close(), telegram.close(), smtp.close()]);
    },
  };
}
