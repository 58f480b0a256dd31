import { describe, expect, it } from 'vitest';
import { detectImportFormat } from '../src/index.js';

const format = (text: string) => detectImportFormat(text)?.format;

describe('detectImportFormat', () => {
  it('tells each JSON shape by the fields its service writes', () => {
    expect(format(JSON.stringify({ kairos: 'export', version: 1, jobs: [] }))).toBe('kairos');
    expect(format(JSON.stringify({ status: 'success', cron_jobs: [] }))).toBe('easycron');
    expect(format(JSON.stringify([{ cron_job_id: '1', url: 'https://a.example', cron_expression: '* * * * *' }]))).toBe('easycron');
    expect(format(JSON.stringify({ jobDetails: { jobId: 1, url: 'https://a.example' } }))).toBe('cronjob-org');
    expect(format(JSON.stringify([{ jobDetails: { jobId: 1 } }]))).toBe('cronjob-org');
    expect(format(JSON.stringify({ jobs: [{ title: 't', url: 'https://a.example', schedule: { hours: [-1], minutes: [0] } }] }))).toBe('cronjob-org');
    expect(format(JSON.stringify({ jobs: [{ name: 'n', url: 'https://a.example', cron_expression: '0 * * * *' }] }))).toBe('justrun');
    expect(format(JSON.stringify({ data: [{ id: 'job_1', url: 'https://a.example', cron_expression: '0 * * * *' }] }))).toBe('justrun');
    expect(detectImportFormat('[{"name":"n","url":"https://a.example","cron_expression":"0 * * * *"}]')?.source).toEqual([{ name: 'n', url: 'https://a.example', cron_expression: '0 * * * *' }]);
  });

  it('tells a crontab (even of one entry) from a curl or wget command', () => {
    expect(format('0 2 * * * curl -X POST https://a.example/x\n')).toBe('crontab');
    expect(format('# c\nCRON_TZ=Europe/Berlin\nSHELL=/bin/sh\n\n@daily wget https://a.example\n*/5 1-3 * JAN mon-fri /usr/bin/true\n')).toBe('crontab');
    expect(format("curl -X POST 'https://a.example/x' \\\n  -H 'A: b' --data-raw '{\"a\":1}'")).toBe('curl');
    expect(format('/usr/bin/wget -q https://a.example')).toBe('curl');
    expect(detectImportFormat('curl https://a.example')?.source).toBe('curl https://a.example');
  });

  it('gives up on what it cannot tell', () => {
    for (const text of ['', '   \n# only a comment\n', 'buy milk', '{}', '[]', '[1, 2]', '{"jobs": [{"what": 1}]}', '{not json', 'X=1\n']) expect(format(text), text).toBeUndefined();
  });
});
