import { describe, expect, it } from 'vitest';
import { hasScope, type Scope } from '../../src/service/caller.js';

describe('scopes', () => {
  it('nest: admin includes write, write includes read, never the other way', () => {
    const cases: [Scope[], Scope, boolean][] = [
      [['read'], 'read', true],
      [['read'], 'write', false],
      [['read'], 'admin', false],
      [['write'], 'read', true],
      [['write'], 'write', true],
      [['write'], 'admin', false],
      [['admin'], 'read', true],
      [['admin'], 'write', true],
      [['admin'], 'admin', true],
      [['read', 'write'], 'admin', false],
      [[], 'read', false],
    ];
    for (const [held, needed, allowed] of cases) expect(hasScope(new Set(held), needed), `${held} -> ${needed}`).toBe(allowed);
  });
});
