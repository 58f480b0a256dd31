import { describe, expect, it } from 'vitest';
import { Kairos, ValidationError } from '../src/index.js';
import { useClientFixture } from './support/fixture.js';

describe('imports and exports through the SDK', () => {
  const f = useClientFixture('transfers');

  it('previews and imports a crontab, exports the project, and restores it into another', async () => {
    const source = `# ping\n0 * * * * curl -s ${f.sink.url}/ping\n`;
    const preview = await f.kairos.imports.create({ format: 'crontab', source, dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, created: 1, jobIds: [], jobs: [{ outcome: 'created', id: null, name: 'ping', method: 'GET' }] });
    const done = await f.kairos.imports.create({ format: 'crontab', source });
    expect(done).toMatchObject({ dryRun: false, created: 1, jobIds: [expect.stringMatching(/^job_/)] });
    await expect(f.kairos.imports.create({ format: 'curl', source: `curl ${f.sink.url}/x` })).rejects.toBeInstanceOf(ValidationError);

    const document = await f.kairos.exports.get();
    expect(document).toMatchObject({ kairos: 'export', version: 1, secrets: 'masked', jobs: [expect.objectContaining({ name: 'ping' })] });

    await f.kairos.jobs.run(done.jobIds[0]!, { wait: true });
    const body = await f.kairos.exports.stream({ history: true });
    const lines = (await new Response(body).text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kairos: 'export' });
    expect(lines[1]).toMatchObject({ type: 'execution' });

    const { apiKey } = await new Kairos({ baseUrl: f.server.url, apiKey: '' }).auth.registerAnonymous({ name: 'restored' });
    const other = new Kairos({ baseUrl: f.server.url, apiKey });
    expect(await other.imports.create({ format: 'kairos', source: document })).toMatchObject({ created: 1 });
    expect((await other.jobs.list().toArray()).map((j) => j.name)).toEqual(['ping']);
  });
});
