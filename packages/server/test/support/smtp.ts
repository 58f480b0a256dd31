import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  /** The raw message: headers, a blank line, the body. */
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 that accepts any login, records every message, and refuses
 * recipients at `reject.example.com` (550) and holds messages to `slow@…` for `holdMs`.
 */
export interface SmtpSink {
  port: number;
  url: string;
  messages: ReceivedMail[];
  holdMs: number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, url: '', messages: [], holdMs: 2_000, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username });
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@reject.example.com')) {
        const err = Object.assign(new Error('no such mailbox'), { responseCode: 550 });
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((a) => a.address);
        sink.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to,
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        if (to.some((a) => a.startsWith('slow@'))) setTimeout(() => cb(), sink.holdMs);
        else cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://kairos:secret-password@127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/**
 * An SMTP sink for the enclosing describe block, started before a server set up after this call
 * (give the server's `config` as a function to read its URL) and closed after it.
 */
export function useSmtpSink(): { smtp: SmtpSink } {
  const fixture = {} as { smtp: SmtpSink };
  beforeAll(async () => {
    fixture.smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await fixture.smtp?.close();
  });
  return fixture;
}
