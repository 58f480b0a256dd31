import { describe, expect, it } from 'vitest';
import { WriteGate } from '../../src/store/dialects/sqlite/writeGate.js';
import { useSqliteStore } from '../support/store.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('the SQLite write gate', () => {
  it('gives turns in the order they were asked for', async () => {
    const gate = new WriteGate();
    const order: number[] = [];
    await gate.acquire();
    const waiting = [1, 2, 3].map((n) => gate.acquire().then(() => order.push(n)));
    await tick();
    expect(order).toEqual([]);
    for (let i = 0; i < 3; i++) {
      gate.release();
      await tick();
    }
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    gate.release();
    // Free again: the next turn is given at once.
    await gate.acquire();
  });

  describe('on a store', () => {
    const fixture = useSqliteStore();

    it('holds a transaction back while another writer has its turn, with the event loop free', async () => {
      const { store } = fixture;
      const gate = store.dialect.engineThread!.writeTurns;
      // The engine SQL thread's turn, as engine/engineSql.ts takes it.
      await gate.acquire();
      let began = false;
      const trx = store.db.transaction().execute(async (t) => {
        began = true;
        return (await t.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      });
      let ticks = 0;
      while (ticks < 20) {
        await tick();
        ticks++;
      }
      expect(began).toBe(false);
      gate.release();
      expect(await trx).toBe(0);
      expect(began).toBe(true);
      // A failed transaction gives its turn back too.
      await expect(
        store.db.transaction().execute(async () => {
          throw new Error('no');
        }),
      ).rejects.toThrow('no');
      await gate.acquire();
      gate.release();
    });
  });
});
