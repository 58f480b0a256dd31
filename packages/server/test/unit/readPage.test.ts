import { describe, expect, it } from 'vitest';
import { readPage } from '../../src/store/sql/page.js';

describe('readPage', () => {
  it('counts once when the page agrees with the total', async () => {
    let counts = 0;
    const page = await readPage(async () => ({ n: ++counts && 3 }), async () => ['a', 'b']);
    expect(page).toEqual({ rows: ['a', 'b'], total: 3 });
    expect(counts).toBe(1);
  });

  it('counts again when a row written between the count and the page would make the total contradict the page', async () => {
    const totals = [0, 1];
    const page = await readPage(async () => ({ n: totals.shift() }), async () => ['written meanwhile']);
    expect(page).toEqual({ rows: ['written meanwhile'], total: 1 });
  });
});
