import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClientFixture } from '../../sdk/test/support/fixture.js';
import { maxListItems } from '../src/tool.js';

const bin = fileURLToPath(new URL('../bin/kairos-mcp.js', import.meta.url));

/** A real MCP client talking to `kairos-mcp` over stdio, as Claude Desktop or Cursor would. */
async function connect(env: Record<string, string>, args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin, ...args], env: { PATH: process.env.PATH ?? '', ...env }, stderr: 'pipe' });
  const client = new Client({ name: 'kairos-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const text = (r: CallToolResult) => (r.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');

describe('kairos-mcp over stdio against a real server', () => {
  const f = useClientFixture('mcp');
  let client: Client;
  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    client = await connect({ KAIROS_API_KEY: f.apiKey, KAIROS_URL: f.server.url });
  });
  afterAll(async () => {
    await client?.close();
  });

  it('lists every tool with described inputs, an output schema and hints', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'list_jobs', 'get_job', 'create_job', 'update_job', 'delete_job', 'run_job', 'pause_job', 'resume_job',
      'get_executions', 'get_execution', 'replay_execution', 'list_spaces', 'create_space', 'get_usage', 'list_alerts', 'explain_schedule',
      'import_jobs', 'export_project',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.outputSchema, tool.name).toMatchObject({ type: 'object' });
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toEqual(expect.any(String));
      }
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.list_jobs!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.delete_job!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.create_job!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.get_job!.inputSchema.required).toEqual(['jobId']);
  });

  it('calls every tool in a conversation that schedules, runs, inspects and removes a job', async () => {
    const explained = await call('explain_schedule', { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin', count: 2 });
    expect(explained.isError).toBeFalsy();
    expect(explained.structuredContent).toMatchObject({ preview: { timezone: 'Europe/Berlin', occurrences: [expect.any(String), expect.any(String)] } });

    const every = await call('explain_schedule', { every: '15m', count: 3 });
    expect((every.structuredContent as { preview: { occurrences: string[] } }).preview.occurrences).toHaveLength(3);
    expect(text(await call('explain_schedule', {}))).toMatch(/give exactly one of cron and every/);

    const space = (await call('create_space', { name: 'assistant', timezone: 'Europe/Berlin' })).structuredContent as { space: { id: string } };
    expect(space.space.id).toMatch(/^sp_/);
    expect((await call('list_spaces')).structuredContent).toMatchObject({ spaces: [expect.objectContaining({ name: 'assistant' })], total: 1, truncated: false });

    const created = await call('create_job', { name: 'mcp job', url: `${f.sink.url}/mcp`, every: '1h', payload: { from: 'mcp' }, spaceId: space.space.id, tags: ['mcp'] });
    expect(created.isError, text(created)).toBeFalsy();
    const job = (created.structuredContent as { job: { id: string; schedule: unknown } }).job;
    expect(job).toMatchObject({ id: expect.stringMatching(/^job_/), schedule: { type: 'interval', every: 3_600_000 } });
    expect(JSON.parse(text(created))).toEqual(created.structuredContent);

    expect((await call('list_jobs', { tag: 'mcp' })).structuredContent).toMatchObject({ jobs: [expect.objectContaining({ id: job.id })], total: 1, truncated: false });
    expect((await call('get_job', { jobId: job.id })).structuredContent).toMatchObject({ job: { id: job.id, name: 'mcp job' } });
    expect((await call('update_job', { jobId: job.id, cron: '30 8 * * 1', timezone: 'Europe/Berlin', name: 'weekly' })).structuredContent).toMatchObject({
      job: { name: 'weekly', schedule: { type: 'cron', expression: '30 8 * * 1', timezone: 'Europe/Berlin' } },
    });
    expect((await call('pause_job', { jobId: job.id })).structuredContent).toMatchObject({ job: { status: 'paused' } });
    expect((await call('resume_job', { jobId: job.id })).structuredContent).toMatchObject({ job: { status: 'active' } });

    const ran = await call('run_job', { jobId: job.id });
    expect(ran.isError, text(ran)).toBeFalsy();
    expect(ran.structuredContent).toMatchObject({ run: { status: 'success', statusCode: 200 } });
    const [arrival] = await f.sink.waitFor(1);
    expect(JSON.parse(arrival!.body)).toEqual({ from: 'mcp' });

    const executions = (await call('get_executions', { jobId: job.id })).structuredContent as { executions: Array<{ id: string }>; total: number };
    expect(executions.total).toBe(1);
    const executionId = executions.executions[0]!.id;
    expect((await call('get_execution', { executionId })).structuredContent).toMatchObject({ execution: { id: executionId, jobId: job.id, status: 'success' } });
    expect((await call('replay_execution', { executionId })).structuredContent).toMatchObject({ replay: { jobId: job.id } });
    await f.sink.waitFor(2);

    expect((await call('get_usage')).structuredContent).toMatchObject({ usage: { plan: expect.any(String) } });
    await f.kairos.alerts.channels.create({ type: 'webhook', name: 'hook', config: { url: `${f.sink.url}/alerts` } });
    expect((await call('list_alerts')).structuredContent).toMatchObject({ channels: [expect.objectContaining({ name: 'hook' })], rules: [], notices: [] });

    expect((await call('delete_job', { jobId: job.id })).structuredContent).toEqual({ deleted: job.id });
    expect((await call('get_job', { jobId: job.id })).isError).toBe(true);
  });

  it('answers mistakes with tool errors a model can act on, and keeps serving', async () => {
    const missing = await call('get_job', { jobId: 'job_missing' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^Kairos answered 404 not_found: .*\nCheck the id: list_jobs/);
    const badCron = await call('create_job', { url: `${f.sink.url}/x`, cron: '61 * * * *' });
    expect(badCron.isError).toBe(true);
    expect(text(badCron)).toMatch(/Kairos answered 422 .*\n- schedule\.expression: .*\nFix the fields named above/);
    const when = await call('create_job', { url: `${f.sink.url}/x` });
    expect(text(when)).toMatch(/give exactly one of cron, every, runAt, runIn/);
    const both = await call('create_job', { url: `${f.sink.url}/x`, cron: '* * * * *', every: '1m' });
    expect(text(both)).toMatch(/exactly one of .* \(got cron, every\)/);
    const tooMany = await call('list_jobs', { limit: 1000 });
    expect(tooMany.isError).toBe(true);
    expect(text(tooMany)).toMatch(/limit/);
    const empty = await call('update_job', { jobId: 'job_x' });
    expect(text(empty)).toMatch(/nothing to change/);
    expect((await call('get_usage')).isError).toBeFalsy();
  });

  it('cuts a long list to its limit with a note saying how many exist', async () => {
    await f.kairos.jobs.batch(Array.from({ length: 25 }, (_, i) => ({ name: `many-${i}`, url: `${f.sink.url}/m`, schedule: { type: 'once' as const, delay: '1d' }, tags: ['many'] })));
    const listed = await call('list_jobs', { tag: 'many' });
    expect(listed.structuredContent).toMatchObject({ total: 25, truncated: true });
    expect((listed.structuredContent as { jobs: unknown[] }).jobs).toHaveLength(20);
    expect(text(listed)).toContain('Note: Showing 20 of 25 jobs. Narrow the filters or raise limit');
    expect((await call('list_jobs', { tag: 'many', limit: 100 })).structuredContent).toMatchObject({ total: 25, truncated: false });
  });

  it('previews an import with nothing written, imports it once however often it is sent, and exports what it can import back', async () => {
    const total = async () => (await f.kairos.jobs.list({ perPage: 1 })).meta.total;
    const before = await total();
    const crontab = ['CRON_TZ=Europe/Berlin', '# nightly report', `0 2 * * * curl -s -X POST ${f.sink.url}/report`, '*/5 * * * * /usr/bin/php /srv/task.php'].join('\n');
    const preview = await call('import_jobs', { format: 'crontab', source: crontab, dryRun: true });
    expect(preview.isError, text(preview)).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({
      import: { dryRun: true, created: 1, skipped: 1, jobIds: [], jobs: [{ outcome: 'created', id: null, name: 'nightly report', method: 'POST', url: `${f.sink.url}/report` }] },
    });
    expect(await total()).toBe(before);

    const space = (await call('create_space', { name: 'imported' })).structuredContent as { space: { id: string } };
    const done = (await call('import_jobs', { format: 'crontab', source: crontab, spaceId: space.space.id })).structuredContent as { import: { created: number; jobIds: string[] } };
    expect(done.import).toMatchObject({ created: 1, jobIds: [expect.stringMatching(/^job_/)] });
    expect((await call('get_job', { jobId: done.import.jobIds[0] })).structuredContent).toMatchObject({ job: { name: 'nightly report', spaceId: space.space.id } });
    expect((await call('import_jobs', { format: 'crontab', source: crontab, spaceId: space.space.id })).structuredContent).toMatchObject({ import: { created: 0, jobIds: done.import.jobIds } });
    expect(await total()).toBe(before + 1);

    // A curl command runs when the schedule fields say; without one the API names the field.
    const curl = await call('import_jobs', { format: 'curl', source: `curl -X PUT ${f.sink.url}/hook -d 'x=1'`, every: '1h', dryRun: true });
    expect(curl.structuredContent).toMatchObject({ import: { jobs: [{ method: 'PUT', schedule: { type: 'interval', every: 3_600_000 } }] } });
    expect(text(await call('import_jobs', { format: 'curl', source: `curl ${f.sink.url}/hook`, dryRun: true }))).toMatch(/422[\s\S]*- schedule: /);
    // A JSON format given as the file's text is read as JSON; text that is not JSON is refused before the API.
    const justrun = JSON.stringify({ jobs: [{ name: 'from justrun', url: `${f.sink.url}/jr`, cron_expression: '*/15 * * * *', method: 'POST' }] });
    expect((await call('import_jobs', { format: 'justrun', source: justrun, dryRun: true })).structuredContent).toMatchObject({ import: { created: 1, jobs: [{ name: 'from justrun' }] } });
    expect(text(await call('import_jobs', { format: 'justrun', source: 'buy milk', dryRun: true }))).toMatch(/^Invalid arguments: source: .* not JSON/);

    // A long source's lists are cut, with a note; the counts stay whole.
    const many = Array.from({ length: maxListItems + 5 }, (_, i) => `${i % 60} * * * * curl ${f.sink.url}/m${i}`).join('\n');
    const long = await call('import_jobs', { format: 'crontab', source: many, dryRun: true });
    expect(long.structuredContent).toMatchObject({ import: { created: maxListItems + 5 } });
    expect((long.structuredContent as { import: { jobs: unknown[] } }).import.jobs).toHaveLength(maxListItems);
    expect(text(long)).toContain(`Note: Only the first ${maxListItems} items of jobs (${maxListItems} of ${maxListItems + 5})`);

    const exported = await call('export_project');
    expect(exported.isError, text(exported)).toBeFalsy();
    const { counts, document } = exported.structuredContent as { counts: Record<string, number>; document: Record<string, unknown> };
    expect(document).toMatchObject({ kairos: 'export', secrets: 'masked' });
    expect(counts).toMatchObject({ jobs: await total(), spaces: 2 });
    const back = await call('import_jobs', { format: 'kairos', source: document, dryRun: true });
    expect(back.isError, text(back)).toBeFalsy();
    expect(back.structuredContent).toMatchObject({ import: { dryRun: true, errors: [] } });
  });

  it('offers only the reading tools with --read-only', async () => {
    const reader = await connect({ KAIROS_API_KEY: f.apiKey, KAIROS_URL: f.server.url }, ['--read-only']);
    try {
      const { tools } = await reader.listTools();
      expect(tools.map((t) => t.name)).toEqual(['list_jobs', 'get_job', 'get_executions', 'get_execution', 'list_spaces', 'get_usage', 'list_alerts', 'explain_schedule', 'export_project']);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      const refused = (await reader.callTool({ name: 'delete_job', arguments: { jobId: 'job_x' } })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/delete_job/);
    } finally {
      await reader.close();
    }
  });

  it('reports a refused key as a tool error, and refuses to start without one', async () => {
    const wrong = await connect({ KAIROS_API_KEY: 'kr_live_wrong', KAIROS_URL: f.server.url });
    try {
      const refused = (await wrong.callTool({ name: 'list_jobs', arguments: {} })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/401[\s\S]*KAIROS_API_KEY/);
    } finally {
      await wrong.close();
    }
    const none = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin], { env: { PATH: process.env.PATH } }, (err, _out, stderr) => resolve({ code: err ? (err.code as number) : 0, stderr })),
    );
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('set KAIROS_API_KEY');
  });
});
