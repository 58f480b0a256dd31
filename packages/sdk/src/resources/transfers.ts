import type { RequestOptions } from '../core/transport.js';
import type { ExportQuery, ImportRequest, ImportResult } from '../types.js';
import { Resource } from './resource.js';

/**
 * Imports: jobs brought in from a Kairos export, JustRun, cron-job.org, EasyCron, a crontab or a
 * curl command, each entry on its own (one bad entry never stops the others).
 *
 * @example
 * ```ts
 * const result = await kairos.imports.create({ format: 'crontab', source: '0 * * * * curl -s https://example.com/ping\n' });
 * console.log(result.created, result.errors);
 * ```
 */
export class Imports extends Resource {
  /**
   * Imports jobs; `dryRun: true` answers what would happen and writes nothing. Importing the same
   * source again updates the jobs it made instead of duplicating them.
   * @example
   * ```ts
   * const preview = await kairos.imports.create({
   *   format: 'curl',
   *   source: "curl -X POST https://example.com/hook -H 'X-Key: abc' --data-raw '{\"a\":1}'",
   *   schedule: { type: 'cron', expression: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
   *   dryRun: true,
   * });
   * for (const job of preview.jobs) console.log(job.outcome, job.scheduleDescription);
   * ```
   */
  async create(request: ImportRequest, options?: RequestOptions): Promise<ImportResult> {
    // The server recognises a source it has imported before, so a retry updates instead of duplicating.
    const { data } = await this.transport.json<{ data: ImportResult }>({ method: 'POST', path: '/v1/imports', body: request, retry: 'safe', options });
    return data;
  }
}

/**
 * The project as one versioned JSON document (jobs, spaces, alerts, inbound webhooks, settings),
 * to back it up or move it to another server. Needs a key with the admin scope.
 *
 * @example
 * ```ts
 * const backup = await kairos.exports.get();
 * await otherServer.imports.create({ format: 'kairos', source: backup });
 * ```
 */
export class Exports extends Resource {
  /**
   * The export document, parsed. `secrets: true` includes secrets in full (otherwise they are
   * masked, and an import lists them in `toFillIn`).
   * @example
   * ```ts
   * const document = await kairos.exports.get({ secrets: true });
   * console.log((document.jobs as unknown[]).length);
   * ```
   */
  async get(query: Pick<Partial<ExportQuery>, 'secrets'> = {}, options?: RequestOptions): Promise<Record<string, unknown>> {
    return this.transport.json<Record<string, unknown>>({ method: 'GET', path: '/v1/export', query: { secrets: query.secrets }, retry: 'safe', options });
  }

  /**
   * The export as it streams from the server, for a large project: the JSON document, or with
   * `history: true` JSON lines (the document, then one line per execution).
   * @example
   * ```ts
   * import { createWriteStream } from 'node:fs';
   * import { Readable } from 'node:stream';
   * const body = await kairos.exports.stream({ history: true });
   * Readable.fromWeb(body as import('node:stream/web').ReadableStream).pipe(createWriteStream('project.jsonl'));
   * ```
   */
  async stream(query: Partial<ExportQuery> = {}, options?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const response = await this.transport.send({ method: 'GET', path: '/v1/export', query: { secrets: query.secrets, history: query.history }, retry: 'safe', options });
    if (!response.body) throw new TypeError('the export answered without a body');
    return response.body;
  }
}
