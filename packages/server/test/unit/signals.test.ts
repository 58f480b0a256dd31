import { describe, expect, it } from 'vitest';
import { changedJobs, forgetMessages, forgottenRuns, jobsMessages } from '../../src/store/signals.js';

const runIds = (n: number) => Array.from({ length: n }, (_, i) => `run_01jd3k9m2x7q8r5t6v4w${String(i).padStart(6, '0')}`);

describe('the forget signal', () => {
  it('carries the ids of deleted runs, which the other nodes read back', () => {
    const ids = runIds(3);
    const messages = forgetMessages(ids);
    expect(messages).toEqual([`forget:${ids.join(',')}`]);
    expect(forgottenRuns(messages[0]!)).toEqual(ids);
  });

  it('splits many runs over messages that each fit a NOTIFY payload (under 8 000 bytes)', () => {
    const ids = runIds(450);
    const messages = forgetMessages(ids);
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThan(8_000);
    expect(messages.flatMap((m) => forgottenRuns(m)!)).toEqual(ids);
  });

  it('is not sent for no runs, and a wake names none', () => {
    expect(forgetMessages([])).toEqual([]);
    expect(forgottenRuns('wake')).toBeNull();
  });
});

describe('the jobs signal', () => {
  const jobIds = (n: number) => Array.from({ length: n }, (_, i) => `job_01jd3k9m2x7q8r5t6v4w${String(i).padStart(6, '0')}`);

  it("carries a project's changed jobs, which every node reads back", () => {
    const ids = jobIds(2);
    const messages = jobsMessages('prj_01jd3k9m2x7q8r5t6v4w000000', ids);
    expect(messages).toEqual([`jobs:prj_01jd3k9m2x7q8r5t6v4w000000:${ids.join(',')}`]);
    expect(changedJobs(messages[0]!)).toEqual({ projectId: 'prj_01jd3k9m2x7q8r5t6v4w000000', jobIds: ids });
  });

  it('splits many jobs over messages that each fit a NOTIFY payload', () => {
    const ids = jobIds(401);
    const messages = jobsMessages('prj_x', ids);
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThan(8_000);
    expect(messages.flatMap((m) => changedJobs(m)!.jobIds)).toEqual(ids);
  });

  it('is told apart from the other messages', () => {
    expect(jobsMessages('prj_x', [])).toEqual([]);
    expect(changedJobs('wake')).toBeNull();
    expect(changedJobs('forget:run_1')).toBeNull();
    expect(forgottenRuns('jobs:prj_x:job_1')).toBeNull();
  });
});
