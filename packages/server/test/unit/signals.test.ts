import { describe, expect, it } from 'vitest';
import { forgetMessages, forgottenRuns } from '../../src/store/signals.js';

const runIds = (n: number) => Array.from({ length: n }, (_, i) => `run_01jd3k9m2x7q8r5t6v4w${String(i).padStart(6, '0')}`);

describe('the forget signal', () => {
  it('carries the ids of deleted runs, which the other nodes read back', () => {
    const ids = runIds(3);
    const messages = forgetMessages(ids);
    expect(messages).toEqual([`forget:${ids.join(',')}`]);
    expect(forgottenRuns(messages[0]!)).toEqual(ids);
  });

  it('splits many runs over messages that each fit a NOTIFY payload (under 8 000 bytes)', () => {
    const ids = runIds(450);
    const messages = forgetMessages(ids);
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThan(8_000);
    expect(messages.flatMap((m) => forgottenRuns(m)!)).toEqual(ids);
  });

  it('is not sent for no runs, and a wake names none', () => {
    expect(forgetMessages([])).toEqual([]);
    expect(forgottenRuns('wake')).toBeNull();
  });
});
