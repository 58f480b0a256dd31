import { describe, expect, it } from 'vitest';
import { isLocalDateTime, parseWallClock } from '../../src/domain/wallClock.js';

const at = (iso: string) => Date.parse(iso);

describe('parseWallClock', () => {
  it('reads a date-time without an offset in the zone, winter and summer', () => {
    expect(parseWallClock('2027-01-15T09:00:00', 'Europe/Berlin')).toBe(at('2027-01-15T08:00:00Z'));
    expect(parseWallClock('2027-06-01T09:00:00', 'Europe/Berlin')).toBe(at('2027-06-01T07:00:00Z'));
    expect(parseWallClock('2027-06-01T09:00', 'America/New_York')).toBe(at('2027-06-01T13:00:00Z'));
    expect(parseWallClock('2027-06-01 09:00:00.250', 'Asia/Kolkata')).toBe(at('2027-06-01T03:30:00.250Z'));
    expect(parseWallClock('2027-06-01T09:00:00', 'UTC')).toBe(at('2027-06-01T09:00:00Z'));
  });

  it('reads a date alone as its midnight in the zone', () => {
    expect(parseWallClock('2027-06-01', 'Europe/Berlin')).toBe(at('2027-05-31T22:00:00Z'));
  });

  it('moves a time skipped by a spring-forward gap past the gap, and takes the first of a doubled time', () => {
    expect(parseWallClock('2027-03-28T02:30:00', 'Europe/Berlin')).toBe(at('2027-03-28T01:30:00Z'));
    expect(parseWallClock('2027-10-31T02:30:00', 'Europe/Berlin')).toBe(at('2027-10-31T00:30:00Z'));
  });

  it('takes only local date-times that name a calendar day', () => {
    expect(parseWallClock('2027-02-30T09:00:00', 'UTC')).toBeNull();
    expect(parseWallClock('2027-06-01T25:00:00', 'UTC')).toBeNull();
    expect(parseWallClock('2027-06-01T09:00:00Z', 'UTC')).toBeNull();
    expect(parseWallClock('next tuesday', 'UTC')).toBeNull();
    expect(isLocalDateTime('2027-06-01T09:00:00')).toBe(true);
    expect(isLocalDateTime('2027-06-01T09:00:00+02:00')).toBe(false);
  });
});
