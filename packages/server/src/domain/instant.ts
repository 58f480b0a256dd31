// The last two instants written are remembered: a batch of new jobs alternates between each
// job's own due instant and the `now` they share.
let lastMs = NaN;
let lastIso = '';
let olderMs = NaN;
let olderIso = '';

/** An instant (epoch milliseconds) in ISO-8601 UTC, as every door shows times; null stays null. */
export function isoOf(ms: number): string;
export function isoOf(ms: number | null): string | null;
export function isoOf(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms === lastMs) return lastIso;
  const text = ms === olderMs ? olderIso : new Date(ms).toISOString();
  olderMs = lastMs;
  olderIso = lastIso;
  lastMs = ms;
  lastIso = text;
  return text;
}
