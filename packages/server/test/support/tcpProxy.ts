import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL), which a test can cut and
 * restore to play a network failure between the server and its database.
 *
 * - `cut('refuse')`: every open connection is reset, and new ones are reset as soon as they
 *   are accepted (the peer sees ECONNRESET at once), until `restore()`.
 * - `cut('hold')`: every open connection is reset, and new ones are accepted but get no
 *   answer (like a partition: a connect that hangs) until `restore()`, which then forwards
 *   them upstream, with whatever they had sent meanwhile.
 * - `cutOn(when, …)`: the same cut, made the moment a client sends a message that `when`
 *   picks, so that the cut lands while that request is in flight (deterministically, where a
 *   timed cut only usually does). The message is dropped, or with `deliver: true` handed to
 *   the server first, whose side is then closed gently so that it still acts on it: the client
 *   never hears the answer (a COMMIT that happened although the client saw it fail).
 */
export type CutMode = 'refuse' | 'hold';

export interface CutOnOptions {
  mode?: CutMode;
  /** Let the picked message reach the server before the cut. */
  deliver?: boolean;
}

export interface TcpProxy {
  host: string;
  port: number;
  readonly state: 'open' | CutMode;
  /** Connections forwarded right now. */
  readonly open: number;
  /** Counters since the start: connections forwarded, reset by a cut, refused, held. */
  readonly stats: { forwarded: number; reset: number; refused: number; held: number };
  cut(mode?: CutMode): void;
  /**
   * Arms a cut on the next client message (after the connection's first, its startup) for which
   * `when(message, transaction)` is true. Resolves with the message's text once the cut is made.
   */
  cutOn(when: (message: string, transaction: Transaction) => boolean, options?: CutOnOptions): Promise<string>;
  restore(): void;
  close(): Promise<void>;
}

/** What passed on one connection since its client last sent BEGIN (PostgreSQL wire protocol, as latin1 text). */
export interface Transaction {
  /** The start (200 characters) of each client message. */
  sent: string[];
  /** Everything the server sent back (up to 1 MiB). */
  received: string;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** Left to close on its own (a delivered last message): a cut does not reset it. */
  detached: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const held = new Set<net.Socket>();
  const all = new Set<net.Socket>();
  const stats = { forwarded: 0, reset: 0, refused: 0, held: 0 };
  let state: 'open' | CutMode = 'open';
  let armed: { when: (message: string, transaction: Transaction) => boolean; options: CutOnOptions; resolve: (m: string) => void } | undefined;

  const kill = (s: net.Socket) => {
    if (s.destroyed) return;
    // A reset rather than a polite FIN: what a peer sees when the path to it breaks.
    if (typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
    else s.destroy();
  };

  const cutAll = (mode: CutMode) => {
    state = mode;
    for (const pair of [...pairs]) {
      if (pair.detached) continue;
      stats.reset++;
      kill(pair.client);
      kill(pair.upstream);
      pairs.delete(pair);
    }
  };

  const forward = (client: net.Socket) => {
    const upstream = net.connect({ host: target.host, port: target.port });
    all.add(upstream);
    upstream.on('close', () => all.delete(upstream));
    const pair: Pair = { client, upstream, detached: false };
    pairs.add(pair);
    stats.forwarded++;
    const end = () => {
      pairs.delete(pair);
      kill(client);
      if (!pair.detached) kill(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);

    let messages = 0;
    let detachedNow = false;
    let transaction: Transaction = { sent: [], received: '' };
    client.on('data', (chunk: Buffer) => {
      messages++;
      const text = chunk.toString('latin1');
      if (/begin\0/i.test(text)) transaction = { sent: [], received: '' };
      transaction.sent.push(text.slice(0, 200));
      const a = armed;
      if (a && messages > 1 && a.when(text, transaction)) {
        armed = undefined;
        if (a.options.deliver) {
          pair.detached = true;
          pairs.delete(pair);
          // The server reads the message, then end of stream: it acts on the one, then the other.
          detachedNow = true;
          upstream.end(chunk);
        }
        stats.reset++;
        kill(client);
        cutAll(a.options.mode ?? 'refuse');
        a.resolve(text);
        return;
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      // After a delivered last message the answer goes nowhere: the client is gone.
      if (detachedNow) return;
      if (transaction.received.length < 1_048_576) transaction.received += chunk.toString('latin1');
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    client.resume();
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    all.add(client);
    client.on('close', () => all.delete(client));
    client.on('error', () => {});
    if (state === 'refuse') {
      stats.refused++;
      kill(client);
    } else if (state === 'hold') {
      stats.held++;
      held.add(client);
      client.on('close', () => held.delete(client));
    } else {
      forward(client);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    get state() {
      return state;
    },
    get open() {
      return pairs.size;
    },
    stats,
    cut(mode = 'refuse') {
      cutAll(mode);
    },
    cutOn(when, options = {}) {
      return new Promise<string>((resolve) => {
        armed = { when, options, resolve };
      });
    },
    restore() {
      armed = undefined;
      state = 'open';
      for (const client of [...held]) {
        held.delete(client);
        if (!client.destroyed) forward(client);
      }
    },
    close() {
      armed = undefined;
      return new Promise<void>((resolve) => {
        for (const s of all) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
