import { type RequestOptions, type SessionTokens, Transport } from './core/transport.js';
import { Alerts } from './resources/alerts.js';
import { ApiKeys } from './resources/apiKeys.js';
import { Auth } from './resources/auth.js';
import { Executions } from './resources/executions.js';
import { InboundWebhooks } from './resources/inboundWebhooks.js';
import { Jobs } from './resources/jobs.js';
import { Schedules } from './resources/schedules.js';
import { Exports, Imports } from './resources/transfers.js';
import { Projects, Settings, UsageResource } from './resources/projects.js';
import { SigningSecrets } from './resources/signingSecrets.js';
import { Spaces } from './resources/spaces.js';
import { type ScheduleInput, toCreateJob } from './schedule.js';
import type { Health, Job } from './types.js';

/**
 * How a {@link Kairos} client connects.
 *
 * @example
 * ```ts
 * const options: KairosOptions = { apiKey: 'kr_live_…', baseUrl: 'http://127.0.0.1:8080', timeoutMs: 10_000, maxRetries: 3 };
 * ```
 */
export interface KairosOptions {
  /** An API key (`kr_live_…`); default: the `KAIROS_API_KEY` environment variable, where there is one. */
  apiKey?: string;
  /** The server's address without `/v1`; default: `KAIROS_URL`, else `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** A signed-in user's tokens instead of an API key; renewed on their own. */
  session?: SessionTokens;
  /** With a session: the project to act on (needed when the user owns several). */
  project?: string;
  /** Milliseconds one attempt of a call may take (default 60 000). */
  timeoutMs?: number;
  /** Retries of a retryable failure (429, 5xx, network) per call (default 2). */
  maxRetries?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Called with new tokens each time the session is renewed: store the refresh token here. */
  onTokens?: (tokens: Required<SessionTokens>) => void;
}

/**
 * The address a local `kairos serve` listens on.
 * @example
 * ```ts
 * new Kairos({ baseUrl: defaultBaseUrl, apiKey: 'kr_live_…' });
 * ```
 */
export const defaultBaseUrl = 'http://127.0.0.1:8080';

function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === '' ? undefined : value;
}

/**
 * A client of a Kairos server's /v1 API.
 *
 * @example
 * ```ts
 * import { Kairos } from '@kairos/sdk';
 *
 * const kairos = new Kairos({ apiKey: process.env.KAIROS_API_KEY, baseUrl: 'http://127.0.0.1:8080' });
 * const job = await kairos.schedule({ url: 'https://example.com/hook', runIn: '5m', payload: { hello: 'world' } });
 * ```
 */
export class Kairos {
  /** @internal */
  readonly transport: Transport;

  /**
   * Jobs: create, get, list, update, replace, pause, resume, cancel, run, delete, bulk, batch.
   * @example
   * ```ts
   * await kairos.jobs.pause('job_…');
   * ```
   */
  readonly jobs: Jobs;
  /**
   * Delivery attempts: list, get, replay, and the live stream.
   * @example
   * ```ts
   * await kairos.executions.replay('exe_…');
   * ```
   */
  readonly executions: Executions;
  /**
   * Schedule previews in words and the runs due soon across jobs.
   * @example
   * ```ts
   * const { description } = await kairos.schedules.preview({ schedule: { type: 'interval', every: '15m' } });
   * ```
   */
  readonly schedules: Schedules;
  /**
   * Spaces of jobs.
   * @example
   * ```ts
   * await kairos.spaces.create({ name: 'billing' });
   * ```
   */
  readonly spaces: Spaces;
  /**
   * The project's API keys.
   * @example
   * ```ts
   * await kairos.apiKeys.create({ name: 'CI', scopes: ['write'] });
   * ```
   */
  readonly apiKeys: ApiKeys;
  /**
   * The project's signing secrets.
   * @example
   * ```ts
   * await kairos.signingSecrets.rotate();
   * ```
   */
  readonly signingSecrets: SigningSecrets;
  /**
   * Alert channels, rules and notices.
   * @example
   * ```ts
   * await kairos.alerts.rules.list();
   * ```
   */
  readonly alerts: Alerts;
  /**
   * Inbound webhooks.
   * @example
   * ```ts
   * await kairos.inboundWebhooks.create({ targetUrl: 'https://example.com/in' });
   * ```
   */
  readonly inboundWebhooks: InboundWebhooks;
  /**
   * The current project's settings.
   * @example
   * ```ts
   * await kairos.settings.get();
   * ```
   */
  readonly settings: Settings;
  /**
   * The plan, its limits and the usage.
   * @example
   * ```ts
   * await kairos.usage.get();
   * ```
   */
  readonly usage: UsageResource;
  /**
   * The signed-in user's projects.
   * @example
   * ```ts
   * await kairos.projects.list();
   * ```
   */
  readonly projects: Projects;
  /**
   * Jobs brought in from an export, another service, a crontab or a curl command.
   * @example
   * ```ts
   * await kairos.imports.create({ format: 'kairos', source: backup, dryRun: true });
   * ```
   */
  readonly imports: Imports;
  /**
   * The whole project as one JSON document.
   * @example
   * ```ts
   * const backup = await kairos.exports.get();
   * ```
   */
  readonly exports: Exports;
  /**
   * Registration, sign-in and tokens.
   * @example
   * ```ts
   * await kairos.auth.me();
   * ```
   */
  readonly auth: Auth;

  /**
   * @example
   * ```ts
   * const kairos = new Kairos(); // KAIROS_API_KEY and KAIROS_URL from the environment
   * ```
   */
  constructor(options: KairosOptions = {}) {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('Kairos: no global fetch here; pass options.fetch');
    const apiKey = options.apiKey ?? (options.session ? undefined : environment('KAIROS_API_KEY'));
    this.transport = new Transport({
      baseUrl: options.baseUrl ?? environment('KAIROS_URL') ?? defaultBaseUrl,
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(options.session ? { session: options.session } : {}),
      ...(options.project ? { project: options.project } : {}),
      timeoutMs: options.timeoutMs ?? 60_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: fetchImpl.bind(globalThis),
      ...(options.onTokens ? { onTokens: options.onTokens } : {}),
    });
    this.jobs = new Jobs(this.transport);
    this.executions = new Executions(this.transport);
    this.schedules = new Schedules(this.transport);
    this.spaces = new Spaces(this.transport);
    this.apiKeys = new ApiKeys(this.transport);
    this.signingSecrets = new SigningSecrets(this.transport);
    this.alerts = new Alerts(this.transport);
    this.inboundWebhooks = new InboundWebhooks(this.transport);
    this.settings = new Settings(this.transport);
    this.usage = new UsageResource(this.transport);
    this.projects = new Projects(this.transport);
    this.imports = new Imports(this.transport);
    this.exports = new Exports(this.transport);
    this.auth = new Auth(this.transport);
  }

  /**
   * The server's address this client talks to.
   * @example
   * ```ts
   * console.log(kairos.baseUrl); // http://127.0.0.1:8080
   * ```
   */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /**
   * Schedules a request in one call, in the manner of Runner's SDK: a target (`url` or
   * `destination`) and exactly one of `runAt`, `runIn`, `cron`, `every`, `runEvery`, plus any job
   * field (`payload`, `headers`, `retryPolicy`, `name`, `tags` …).
   * @example
   * ```ts
   * await kairos.schedule({ url: 'https://example.com/remind', runAt: new Date(Date.now() + 3_600_000), payload: { userId: 42 } });
   * await kairos.schedule({ url: 'https://example.com/digest', runEvery: 'morning', timezone: 'Europe/Berlin' });
   * await kairos.schedule({ url: 'https://example.com/sync', every: '5m' });
   * ```
   */
  schedule(input: ScheduleInput, options?: RequestOptions): Promise<Job> {
    return this.jobs.create(toCreateJob(input), options);
  }

  /**
   * The server's health: version, uptime, and each dependency's status (no key needed).
   * @example
   * ```ts
   * const { status, version } = await kairos.health();
   * ```
   */
  async health(options?: RequestOptions): Promise<Health> {
    const { data } = await this.transport.json<{ data: Health }>({ method: 'GET', path: '/v1/health', retry: 'safe', anonymous: true, options });
    return data;
  }
}
