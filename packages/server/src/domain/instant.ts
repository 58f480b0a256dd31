/** An instant (epoch milliseconds) in ISO-8601 UTC, as every door shows times; null stays null. */
export function isoOf(ms: number): string;
export function isoOf(ms: number | null): string | null;
export function isoOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
