import { describe, expect, it } from 'vitest';
import { Dispatcher, type Verdict } from '../../src/engine/dispatcher.js';

/** A dispatcher whose items end when the test says, with the verdict it says. */
function harness(globalLimit: number, originLimit: number) {
  const running = new Map<string, (v: Verdict) => void>();
  const started: string[] = [];
  const dispatcher = new Dispatcher<string>(globalLimit, originLimit, (item) => {
    started.push(item);
    return new Promise<Verdict>((resolve) => running.set(item, resolve));
  });
  const end = async (items: readonly string[], verdict: Verdict) => {
    for (const item of items) {
      const resolve = running.get(item);
      if (!resolve) throw new Error(`${item} is not running`);
      running.delete(item);
      resolve(verdict);
    }
    // The dispatcher hears of an ending on the next microtask.
    await new Promise((r) => setImmediate(r));
  };
  const inFlight = (prefix: string) => [...running.keys()].filter((k) => k.startsWith(prefix));
  return { dispatcher, started, end, inFlight };
}

const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('the dispatcher', () => {
  it('starts at most the origin bound per origin and the global bound in all', () => {
    const h = harness(6, 4);
    for (const i of items('a', 10)) h.dispatcher.push('a', i);
    for (const i of items('b', 10)) h.dispatcher.push('b', i);
    expect(h.inFlight('a')).toHaveLength(4);
    expect(h.inFlight('b')).toHaveLength(2);
    expect(h.dispatcher.waiting).toBe(14);
    expect(h.dispatcher.waitingOnBusyOrigins).toBe(6);
  });

  it('halves an origin that times out, once per round of requests, down to a sixteenth of the bound', async () => {
    const h = harness(1_000, 64);
    for (const i of items('h', 1_000)) h.dispatcher.push('hang', i);
    expect(h.inFlight('h')).toHaveLength(64);
    // The whole first round times out: one halving, not sixty-four.
    await h.end(h.inFlight('h'), 'timedOut');
    expect(h.inFlight('h')).toHaveLength(32);
    await h.end(h.inFlight('h'), 'timedOut');
    expect(h.inFlight('h')).toHaveLength(16);
    await h.end(h.inFlight('h'), 'timedOut');
    await h.end(h.inFlight('h'), 'timedOut');
    expect(h.inFlight('h')).toHaveLength(4);
    // The floor: 64 / 16.
    await h.end(h.inFlight('h'), 'timedOut');
    expect(h.inFlight('h')).toHaveLength(4);
    expect(h.dispatcher.waitingOnBusyOrigins).toBe(1_000 - h.started.length);
  });

  it('grows the window back by one with each answer', async () => {
    const h = harness(1_000, 16);
    for (const i of items('t', 200)) h.dispatcher.push('t', i);
    await h.end(h.inFlight('t'), 'timedOut');
    expect(h.inFlight('t')).toHaveLength(8);
    // Eight answers: each frees its slot and adds one, so sixteen run again.
    await h.end(h.inFlight('t'), 'answered');
    expect(h.inFlight('t')).toHaveLength(16);
    await h.end(h.inFlight('t'), 'answered');
    expect(h.inFlight('t')).toHaveLength(16);
  });

  it('leaves other origins their whole bound while one times out', async () => {
    const h = harness(1_000, 8);
    for (const i of items('h', 50)) h.dispatcher.push('hang', i);
    for (const i of items('o', 50)) h.dispatcher.push('ok', i);
    await h.end(h.inFlight('h'), 'timedOut');
    expect(h.inFlight('h')).toHaveLength(4);
    expect(h.inFlight('o')).toHaveLength(8);
  });

  it('remembers a lowered window while the origin is idle', async () => {
    const h = harness(1_000, 32);
    for (const i of items('x', 32)) h.dispatcher.push('x', i);
    await h.end(h.inFlight('x'), 'timedOut');
    expect(h.dispatcher.inFlight).toBe(0);
    for (const i of items('y', 32)) h.dispatcher.push('x', i);
    expect(h.inFlight('y')).toHaveLength(16);
  });

  it('counts a failed run as an answer: only timeouts lower the window', async () => {
    let calls = 0;
    const d = new Dispatcher<number>(10, 4, () => {
      calls++;
      return Promise.reject(new Error('boom'));
    });
    for (let i = 0; i < 20; i++) d.push('e', i);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(20);
    expect(d.inFlight).toBe(0);
  });
});
