import { nestingIssue, nestsDeeperThan } from './nesting.js';

/** What a job's headers and string body may name as `{{name}}`, per attempt. */
export interface TemplateValues {
  'job.id': string;
  'job.name': string;
  'execution.id': string;
  /** The run all attempts of one occurrence share (what JustRun calls an execution). */
  'run.id': string;
  attempt: string;
  scheduledFor: string;
  now: string;
}

const placeholder = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;

/** Whether a text has anything to substitute: checked once per job, so plain jobs skip the work. */
export const hasPlaceholders = (text: string | null): boolean => text !== null && text.includes('{{');

/** Substitutes the known `{{name}}` placeholders; unknown ones are left as they are. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(placeholder, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as keyof TemplateValues] : whole));
}

/** The payload values Kairos replaces: string values exactly `"$job"`, `"$state"`, `"$previous"`. */
export interface DynamicValues {
  $job: unknown;
  $state: unknown;
  $previous: unknown;
}

const dynamicNames = ['"$job"', '"$state"', '"$previous"'];

/** Whether a payload's JSON text may hold a dynamic field: checked once per job. */
export const hasDynamicFields = (payload: string | null): boolean => payload !== null && dynamicNames.some((n) => payload.includes(n));

/** The payload with every string value exactly `$job`, `$state` or `$previous` replaced. */
export function fillDynamicFields(value: unknown, values: DynamicValues): unknown {
  if (typeof value === 'string') return value === '$job' || value === '$state' || value === '$previous' ? values[value] : value;
  if (Array.isArray(value)) return value.map((v) => fillDynamicFields(v, values));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillDynamicFields(v, values);
    return out;
  }
  return value;
}

/** At most this much of a `Kairos-State` response header is kept as the job's state. */
export const stateLimitBytes = 16 * 1024;

/** A `Kairos-State` header read as the job's next state: its JSON text, or why it is ignored. */
export function readStateHeader(header: string): { ok: true; json: string } | { ok: false; issue: string } {
  if (Buffer.byteLength(header) > stateLimitBytes) return { ok: false, issue: `larger than ${stateLimitBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return { ok: false, issue: 'not valid JSON' };
  }
  // Kept, it is substituted and serialized with every attempt: no deeper than any client input.
  if (nestsDeeperThan(value)) return { ok: false, issue: nestingIssue };
  return { ok: true, json: JSON.stringify(value) };
}

/**
 * A run's result as `$previous` shows it: the body parsed when it is JSON (and no deeper than
 * client input may be, as it is serialized with every later attempt), else its text.
 */
export function previousResult(status: string, statusCode: number | null, body: string | null): { status: string; statusCode: number | null; body: unknown } {
  let parsed: unknown = body;
  if (body !== null && body !== '') {
    try {
      parsed = JSON.parse(body);
    } catch {
      // text it is
    }
    if (nestsDeeperThan(parsed)) parsed = body;
  }
  return { status, statusCode, body: parsed };
}
