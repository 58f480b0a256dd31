/**
 * Durations as API clients write them: a number of milliseconds, a string of digits (also
 * milliseconds), or a string of whole-number components such as `90s`, `5m`, `1h30m`, `1h 30m`,
 * `2d`, `500ms` or `1w2d`.
 *
 * Rules for the component form: units are `ms`, `s`, `m`, `h`, `d` and `w` (lower case; `m` is
 * minutes, so an upper-case `M` that could mean months is refused); amounts are whole numbers; each
 * unit appears at most once and units go from largest to smallest; components may be separated by
 * spaces. Anything else, negative numbers, fractions and values beyond
 * `Number.MAX_SAFE_INTEGER` milliseconds are not durations.
 */

const UNIT_MS = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;

type Unit = keyof typeof UNIT_MS;

/** Position of each unit from largest to smallest, to enforce the order `1h30m` (not `30m1h`). */
const UNIT_RANK: Record<Unit, number> = { w: 0, d: 1, h: 2, m: 3, s: 4, ms: 5 };

const DIGITS = /^\d+$/;
// `ms` must be tried before `m` and `s`.
const COMPONENT = /(\d+)(ms|w|d|h|m|s)\s*/y;

/** Milliseconds in `input`, or null when it is not a duration (see the module comment). */
export function parseDuration(input: number | string): number | null {
  const read = readDuration(input);
  return typeof read === 'number' ? read : null;
}

/**
 * Milliseconds in `input`; `'range'` when it is written as a duration but is longer than
 * `Number.MAX_SAFE_INTEGER` milliseconds; `'syntax'` when it is not written as one.
 */
export function readDuration(input: number | string): number | 'syntax' | 'range' {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) return 'syntax';
    return Number.isSafeInteger(input) ? input : 'range';
  }
  if (typeof input !== 'string') return 'syntax';
  const text = input.trim();
  if (text === '') return 'syntax';
  if (DIGITS.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : 'range';
  }

  let total = 0;
  let lastRank = -1;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < text.length) {
    const match = COMPONENT.exec(text);
    if (!match) return 'syntax';
    const amount = Number(match[1]);
    const unit = match[2] as Unit;
    const rank = UNIT_RANK[unit];
    if (rank <= lastRank) return 'syntax';
    lastRank = rank;
    total += amount * UNIT_MS[unit];
  }
  return Number.isSafeInteger(total) ? total : 'range';
}

/** A short human form of a millisecond count, the inverse of {@link parseDuration}: `1h30m`, `500ms`, `0ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a duration: ${ms}`);
  if (ms === 0) return '0ms';
  let rest = ms;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}
