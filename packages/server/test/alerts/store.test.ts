import { describe, expect, it } from 'vitest';
import { databaseKinds } from '@kairos/testkit';
import type { AlertRuleRow } from '../../src/store/schema.js';
import { covers } from '../../src/alerts/decideAlerts.js';
import { decodeAlertRule } from '../../src/store/rows.js';
import { alertRulesUsingChannel, deleteAlertRule, enabledAlertRules, insertAlertRule } from '../../src/store/sql/alertRules.js';
import { alertStates, saveAlertStates } from '../../src/store/sql/alertStates.js';
import { useStore } from '../support/store.js';

describe.each(databaseKinds)('alert rule queries on %s', (kind) => {
  const fixture = useStore(kind);

  let n = 0;
  const rule = async (fields: Partial<AlertRuleRow>): Promise<string> => {
    n += 1;
    const row: AlertRuleRow = {
      id: `alr_${String(n).padStart(3, '0')}`,
      project_id: 'prj_a',
      name: `rule ${n}`,
      channel_ids: '["ch_1"]',
      job_id: null,
      space_id: null,
      tag: null,
      events: '["job.failed"]',
      consecutive_failures_threshold: 1,
      cooldown_minutes: 60,
      enabled: 1,
      created_at: n,
      updated_at: n,
      ...fields,
    };
    await insertAlertRule(fixture.store.db, row);
    return row.id;
  };

  it('finds the enabled rules that cover a job: whole project, the job, its space, one of its tags', async () => {
    const all = await rule({});
    const job = await rule({ job_id: 'job_1' });
    await rule({ job_id: 'job_2' });
    const space = await rule({ space_id: 'sp_1' });
    const tag = await rule({ tag: 'billing', channel_ids: '["ch_1","ch_10"]' });
    await rule({ tag: 'bill' });
    await rule({ enabled: 0 });
    await rule({ project_id: 'prj_b' });
    const ids = async (j: { id: string; spaceId: string | null; tags: string[] }) =>
      (await enabledAlertRules(fixture.store.db, fixture.store.dialect, ['prj_a'])).filter((r) => covers(decodeAlertRule(r), j)).map((r) => r.id);
    expect(await ids({ id: 'job_1', spaceId: 'sp_1', tags: ['billing', 'eu'] })).toEqual([all, job, space, tag]);
    expect(await ids({ id: 'job_3', spaceId: null, tags: [] })).toEqual([all]);
  });

  it('finds the rules that send to a channel by its exact id', async () => {
    const users = await alertRulesUsingChannel(fixture.store.db, 'prj_a', 'ch_10');
    expect(users.map((r) => r.name)).toEqual(['rule 5']);
    expect(await alertRulesUsingChannel(fixture.store.db, 'prj_a', 'ch_')).toEqual([]);
  });

  it('keeps cooldown marks per rule, job and event, and drops a rule\'s with it', async () => {
    const kept = await rule({});
    const gone = await rule({});
    await saveAlertStates(fixture.store.db, [
      { rule_id: kept, job_id: 'job_1', event: 'job.failed', last_sent_at: 1 },
      { rule_id: gone, job_id: 'job_1', event: 'job.failed', last_sent_at: 2 },
    ]);
    // Saving again moves the mark on rather than adding one.
    await saveAlertStates(fixture.store.db, [{ rule_id: kept, job_id: 'job_1', event: 'job.failed', last_sent_at: 3 }]);
    await deleteAlertRule(fixture.store.db, gone);
    const marks = await alertStates(fixture.store.db, fixture.store.dialect, [kept, gone], ['job_1']);
    expect(marks.map((m) => [m.rule_id, Number(m.last_sent_at)])).toEqual([[kept, 3]]);
  });
});
