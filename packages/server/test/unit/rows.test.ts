import { describe, expect, it } from 'vitest';
import { compileJobDefinition, type JobInput } from '../../src/domain/jobDefinition.js';
import { decodeJob, definitionColumns, jobColumn, newJob, newJobRow, newRunRow } from '../../src/store/rows.js';

const now = Date.UTC(2026, 11, 6, 12);

function definition(input: JobInput) {
  const compiled = compileJobDefinition(input, now, () => null);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  return compiled.value;
}

describe('the job row codec (store/rows.ts)', () => {
  const def = definition({
    name: 'nightly',
    url: 'https://example.com/hook',
    method: 'POST',
    headers: { 'X-Key': 'k' },
    query: { a: '1' },
    payload: { n: 1, nested: { ok: true } },
    schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' },
    tags: ['nightly', 'billing'],
    callbackUrl: 'https://example.com/callback',
    deliveryStyle: 'runner',
  });

  it('decodes every structured column of a new job\'s row', () => {
    const row = { ...newJobRow('prj_1', def, true, now, { parentJobId: 'job_parent' }), state: '{"step":2}', previous_result: null };
    const job = decodeJob({ ...row, next_run_at: now + 1_000 });
    expect(job).toMatchObject({
      projectId: 'prj_1',
      tags: ['nightly', 'billing'],
      destination: null,
      headers: { 'X-Key': 'k' },
      query: { a: '1' },
      body: null,
      payload: { n: 1, nested: { ok: true } },
      schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Berlin' },
      retryPolicy: def.retryPolicy,
      callbackUrl: 'https://example.com/callback',
      deliveryStyle: 'runner',
      parentJobId: 'job_parent',
      state: '{"step":2}',
      nextRunAt: now + 1_000,
      createdAt: now,
    });
  });

  it('writes every field of a definition into columns that read back as the definition has it', () => {
    const toSlack = definition({ name: 'to slack', description: 'd', destination: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T0/B0/secret' }, payload: { text: 'hi' }, schedule: { type: 'once', at: now + 60_000 }, retryPolicy: { strategy: 'fixed', jitter: true }, onComplete: 'https://example.com/next', eventsUrl: 'https://example.com/events' });
    const withBody = definition({ url: 'https://example.com', method: 'PUT', body: 'text', schedule: { type: 'interval', every: '5m' }, followRedirects: true, storeResponseBody: true, failureCallbackUrl: 'https://example.com/failed' });
    for (const d of [def, toSlack, withBody]) {
      // An edit writes definitionColumns over the row; a create writes them within newJobRow.
      const job = decodeJob({ ...newJobRow('prj_1', definition({ url: 'https://example.com/other', schedule: { type: 'once', at: now + 1 } }), true, now), ...definitionColumns(d) });
      const { payload, ...fields } = d;
      expect(Object.fromEntries(Object.keys(fields).map((k) => [k, job[k as keyof typeof fields]]))).toEqual(fields);
      expect(job.payload).toEqual(payload === null ? undefined : JSON.parse(payload));
      expect(decodeJob(newJobRow('prj_1', d, true, now))).toMatchObject({ ...fields, payload: job.payload });
    }
  });

  it('makes the same record of a new job from its definition as from its row', () => {
    const row = newJobRow('prj_1', def, true, now);
    expect(newJob(row, now + 5, def)).toEqual(decodeJob({ ...row, next_run_at: now + 5 }));
  });

  it('tells no payload (undefined) from a JSON null payload, and a string body from both', () => {
    expect(jobColumn.payload(null)).toBeUndefined();
    expect(jobColumn.payload('null')).toBeNull();
    const withBody = decodeJob(newJobRow('prj_1', definition({ url: 'https://example.com', method: 'POST', body: 'text', schedule: { type: 'once', at: now + 60_000 } }), true, now));
    expect(withBody.payload).toBeUndefined();
    expect(withBody.body).toBe('text');
  });

  it('reads an empty tag list without parsing it, as one shared frozen array', () => {
    expect(jobColumn.tags('[]')).toBe(jobColumn.tags('[]'));
    expect(Object.isFrozen(jobColumn.tags('[]'))).toBe(true);
    expect(jobColumn.tags('["a"]')).toEqual(['a']);
  });

  it('keeps a delivery style it knows and drops one it does not', () => {
    expect(jobColumn.deliveryStyle('runner')).toBe('runner');
    expect(jobColumn.deliveryStyle('nonsense')).toBeNull();
    expect(jobColumn.deliveryStyle(null)).toBeNull();
  });
});

describe('the run row builder', () => {
  it('makes a scheduled, pending first attempt with its own delivery id, unless told otherwise', () => {
    const run = newRunRow({ id: 'job_1', project_id: 'prj_1' }, now + 10, now);
    expect(run).toMatchObject({ job_id: 'job_1', project_id: 'prj_1', due_at: now + 10, attempt: 1, triggered_by: 'schedule', lease_owner: null, lease_until: null, created_at: now, replay_of: null });
    expect(run.id).toMatch(/^run_/);
    expect(run.delivery_id).toMatch(/^dlv_/);
    const replay = newRunRow({ id: 'job_1', project_id: 'prj_1' }, now, now, { triggered_by: 'replay', lease_owner: 'node_a', lease_until: now + 60_000, replay_of: 'exe_1' });
    expect(replay).toMatchObject({ triggered_by: 'replay', lease_owner: 'node_a', lease_until: now + 60_000, replay_of: 'exe_1' });
    expect(replay.delivery_id).not.toBe(run.delivery_id);
  });
});
