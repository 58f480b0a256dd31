/** Small checks on untyped client input, shared by the validators in domain/. */

export type Fields = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field counts as absent when it is missing, undefined or null. */
export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** What a wrong value is, for an issue such as "must be an object, not an array". */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
