import { describe, expect, it } from 'vitest';
import { normaliseTimeZone } from '../../../src/domain/schedule.js';

describe('normaliseTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['america/new_york', 'America/New_York'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseTimeZone(input)).toBe(expected);
  });

  it.each([['Nowhere/Land'], ['+01:00'], [''], ['Europe/Berlin ']])('%j → null', (input) => {
    expect(normaliseTimeZone(input)).toBeNull();
  });

  it('answers repeated questions from its cache', () => {
    expect(normaliseTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(normaliseTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });
});
