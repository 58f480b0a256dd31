import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { compileNamePattern } from '../../src/domain/namePattern.js';

const names = ['Sync inventory', 'sync-prices', 'Refresh cache', 'Daily DB Backup', 'db-01 backup', 'DB-22', 'Nightly Report (EU)', 'a.b', 'axb', '', 'inventory sync'];

describe('name patterns', () => {
  it('matches as a case-insensitive JavaScript RegExp does', () => {
    const patterns = [
      'sync', '^Sync', 'inventory$', '^sync.*ory$', 'inv.*ory', 'db-[0-9]+', 'DB-\\d{2}$', '^db-\\d{1,2}',
      'a\\.b', 'a.b', 'cache|backup', '^(sync|refresh) ', '(?:daily|nightly) (db|report)', 'x?y?z?', '[^a-z ]', '\\(EU\\)$',
      '^[A-Z][a-z]+ [A-Z]', 'e{2}', 'p{0}r', 'c{1,}a', '\\s', '\\S+\\s\\S+$', '\\W', '[\\d-]+$', 'ba*c', '(ab)*x', '^$', '[a-c]{3}',
    ];
    for (const pattern of patterns) {
      const test = compileNamePattern(pattern);
      const re = new RegExp(pattern, 'i');
      for (const name of names) expect(test(name), `${pattern} on "${name}"`).toBe(re.test(name));
    }
  });

  it('takes time linear in the name for patterns that make a backtracking engine explode', () => {
    const name = `${'a'.repeat(255)}!`;
    const started = performance.now();
    for (const pattern of ['^(a+)+$', '^(a|a)*$', '(a*)*b', 'a*a*a*a*a*a*a*a*a*a*b', '^(.*a){20}$']) expect(compileNamePattern(pattern)(name)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses what it cannot match without backtracking, as a 400 naming the field', () => {
    for (const pattern of ['(a)\\1', '(?=a)', '(?<n>a)', 'ab(', 'a)', '[a-', '*a', 'a{3,1}', 'a{101}', '\\bword', '(a{100}){100}']) {
      let error: unknown;
      try {
        compileNamePattern(pattern);
      } catch (err) {
        error = err;
      }
      expect(error, pattern).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation_failed');
      expect((error as AppError).details[0]!.field).toBe('name');
    }
  });
});
