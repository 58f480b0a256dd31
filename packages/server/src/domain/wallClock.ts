/**
 * Date-times written without an offset, read as wall-clock time in an IANA zone (Runner reads a
 * one-time `runAt` such as "2027-06-01T09:00:00" in the job's zone, or the server's). Pure.
 */
import { parseIsoInstant } from './schedule.js';

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?$/;
const DAY_MS = 86_400_000;

/** True when `text` is a date or date-time with no `Z` and no offset. */
export function isLocalDateTime(text: string): boolean {
  return LOCAL_DATE_TIME.test(text.trim());
}

/**
 * Epoch ms of a local date-time (a date alone is its midnight) in `zone`; null when `text` is not
 * one or names no calendar day. A time skipped by a spring-forward gap is read with the offset
 * before the gap (02:30 becomes 03:30); a time that occurs twice is its first occurrence, as the
 * recurring schedules do.
 */
export function parseWallClock(text: string, zone: string): number | null {
  const t = text.trim();
  if (!LOCAL_DATE_TIME.test(t)) return null;
  const naive = parseIsoInstant(t.length === 10 ? `${t}T00:00Z` : `${t}Z`);
  if (naive === null) return null;
  // A zone changes its offset at most once around any instant that matters here, so the offsets
  // a day either side are the two the wall-clock time can have.
  const before = naive - offsetAt(naive - DAY_MS, zone);
  const after = naive - offsetAt(naive + DAY_MS, zone);
  const fits = (at: number) => naive - at === offsetAt(at, zone);
  const candidates = [before, after].filter(fits).sort((a, b) => a - b);
  return candidates[0] ?? before;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (formatters.size >= 1_000) formatters.delete(formatters.keys().next().value!);
    formatters.set(zone, f);
  }
  return f;
}

/** How far ahead of UTC the zone's clocks are at `at`, in ms. */
function offsetAt(at: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const shown = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return shown - (at - (((at % 1000) + 1000) % 1000));
}
