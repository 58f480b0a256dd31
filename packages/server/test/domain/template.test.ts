import { describe, expect, it } from 'vitest';
import { fillDynamicFields, hasDynamicFields, hasPlaceholders, previousResult, readStateHeader, renderTemplate } from '../../src/domain/template.js';

const values = { 'job.id': 'job_1', 'job.name': 'n', 'execution.id': 'exe_1', 'run.id': 'run_1', attempt: '2', scheduledFor: '2026-01-01T00:00:00.000Z', now: '2026-01-01T00:00:01.000Z' };

describe('templates', () => {
  it('substitutes known placeholders, with or without spaces, and leaves others', () => {
    expect(renderTemplate('{{job.id}}/{{ execution.id }}/{{attempt}}/{{nope}}/{{constructor}}/{x}', values)).toBe('job_1/exe_1/2/{{nope}}/{{constructor}}/{x}');
    expect(hasPlaceholders('plain')).toBe(false);
    expect(hasPlaceholders(null)).toBe(false);
    expect(hasPlaceholders('a {{b}}')).toBe(true);
  });

  it('replaces string values exactly $job, $state, $previous at any depth, and nothing else', () => {
    const payload = { a: '$state', b: ['$job', { c: '$previous' }], d: 'x $state', $state: 1, e: 3, f: null };
    expect(hasDynamicFields(JSON.stringify(payload))).toBe(true);
    expect(hasDynamicFields('{"a":"$stately"}')).toBe(false);
    expect(fillDynamicFields(payload, { $job: { id: 'j' }, $state: { cursor: 1 }, $previous: null })).toEqual({
      a: { cursor: 1 },
      b: [{ id: 'j' }, { c: null }],
      d: 'x $state',
      $state: 1,
      e: 3,
      f: null,
    });
  });

  it('reads a Kairos-State header as JSON of at most 16 KiB', () => {
    expect(readStateHeader('{"cursor": 5}')).toEqual({ ok: true, json: '{"cursor":5}' });
    expect(readStateHeader('null')).toEqual({ ok: true, json: 'null' });
    expect(readStateHeader('{nope')).toEqual({ ok: false, issue: 'not valid JSON' });
    expect(readStateHeader(JSON.stringify('x'.repeat(16 * 1024)))).toEqual({ ok: false, issue: 'larger than 16384 bytes' });
  });

  it('shows a previous result with its body parsed when it is JSON', () => {
    expect(previousResult('success', 200, '{"a":1}')).toEqual({ status: 'success', statusCode: 200, body: { a: 1 } });
    expect(previousResult('failed', 500, 'oops')).toEqual({ status: 'failed', statusCode: 500, body: 'oops' });
    expect(previousResult('timeout', null, null)).toEqual({ status: 'timeout', statusCode: null, body: null });
  });

  // Issue 14, defect 1: a target's answer is no client input, and may nest as deep as it likes.
  it('keeps a state or $previous nested beyond the limit out of what later attempts serialize', () => {
    const deep = '['.repeat(65) + ']'.repeat(65);
    expect(readStateHeader('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
    expect(readStateHeader(deep)).toEqual({ ok: false, issue: 'nests deeper than 64 levels of objects and arrays' });
    const deeper = '['.repeat(25_000) + ']'.repeat(25_000);
    expect(previousResult('success', 200, deeper)).toEqual({ status: 'success', statusCode: 200, body: deeper });
    expect(() => JSON.stringify(previousResult('success', 200, deeper))).not.toThrow();
    expect(previousResult('success', 200, '[[1]]').body).toEqual([[1]]);
  });
});
