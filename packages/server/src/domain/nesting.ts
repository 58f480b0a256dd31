import type { FieldIssue } from './errors.js';

/**
 * How deeply client JSON may nest: far beyond any real payload, far below what the recursive
 * walks that follow validation (JSON.stringify, `$job` substitution, canonical hashing) can take
 * before the stack overflows (about 3 000 levels on Node 20's default stack).
 */
export const maxNesting = 64;

/**
 * Whether `value` nests objects or arrays more than `limit` levels deep (`{}` is one level,
 * `[[1]]` two). Iterative, so any input is safe to ask about: it is asked before anything walks
 * the value recursively.
 */
export function nestsDeeperThan(value: unknown, limit = maxNesting): boolean {
  if (typeof value !== 'object' || value === null) return false;
  // Most fields (a payload, a schedule, headers) are one level: told apart without allocating.
  if (limit >= 1 && !holdsObject(value)) return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const current = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > limit) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Whether an object or array has an object or array among its own values. */
function holdsObject(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === 'object' && child !== null) return true;
    }
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) return true;
  }
  return false;
}

export const nestingIssue = `nests deeper than ${maxNesting} levels of objects and arrays`;

/** An issue for each field of an input object whose value nests more than {@link maxNesting} levels. */
export function nestingIssues(input: unknown, prefix = ''): FieldIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const issues: FieldIssue[] = [];
  for (const field in input) {
    if (Object.hasOwn(input, field) && nestsDeeperThan((input as Record<string, unknown>)[field])) issues.push({ field: prefix + field, issue: nestingIssue });
  }
  return issues;
}
