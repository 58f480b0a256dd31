import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldIssue } from '../domain/errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Bodies are JSON and must have the declared types: "5" is not a number, and unknown fields are
// refused rather than silently dropped. Path and query values are text, so they are coerced.
const strict = addFormats(new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false, strict: false }));
const coercing = addFormats(new Ajv({ allErrors: true, coerceTypes: true, removeAdditional: false, useDefaults: true, strict: false }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  return ajv.compile(schema) as ValidateFunction;
};

/** Ajv's errors as field issues: `schedule.type`, `headers.X-Token`, `page`. */
export function fieldIssues(errors: readonly ErrorObject[], part: string | undefined): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const path = e.instancePath.split('/').slice(1).map(unescape).join('.');
    let field = path;
    let issue = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      field = join(path, (e.params as { missingProperty: string }).missingProperty);
      issue = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      field = join(path, (e.params as { additionalProperty: string }).additionalProperty);
      issue = 'is not a known field';
    } else if (e.keyword === 'type') {
      issue = `must be ${(e.params as { type: string }).type}`;
    } else if (e.keyword === 'maximum' || e.keyword === 'minimum') {
      const { limit } = e.params as { limit: number };
      issue = `must be ${e.keyword === 'maximum' ? 'at most' : 'at least'} ${limit}`;
    } else if (e.keyword === 'enum') {
      issue = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    if (!field && (part === 'body' || part === undefined)) {
      // "body: must be object" would read as the job's own `body` field.
      field = 'request body';
      if (e.keyword === 'type') issue = `must be a JSON ${(e.params as { type: string }).type}`;
    } else if (!field) field = part!;
    const key = `${field}\u0000${issue}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ field, issue });
  }
  return issues;
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');
