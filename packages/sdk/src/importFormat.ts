/**
 * Which import format a source is, told from its content, for `kairos import FILE` and the
 * dashboard's "auto": people have a file from somewhere and should not have to name its shape.
 * No imports of its own, so the dashboard can bundle it without the rest of the SDK.
 *
 * JSON is told by the fields each service writes: a Kairos export by `"kairos": "export"`,
 * EasyCron by `cron_jobs` / `cron_job_id`, cron-job.org by `jobDetails` / `jobId` / its
 * `schedule` lists, JustRun by `cron_expression` with `url` (EasyCron's jobs have one too, so
 * they are told first). Text is a curl or wget command when it starts with one, a crontab when
 * its entries are cron lines (or environment lines and comments).
 */
/**
 * A format {@link detectImportFormat} tells: the `format` of `POST /v1/imports`.
 * @example
 * ```ts
 * const format: DetectedImportFormat = 'crontab';
 * ```
 */
export type DetectedImportFormat = 'kairos' | 'justrun' | 'cronjob-org' | 'easycron' | 'crontab' | 'curl';

/**
 * What {@link detectImportFormat} found: the import request's `format` and `source`.
 * @example
 * ```ts
 * const found: DetectedImport = { format: 'curl', source: 'curl https://example.com/hook' };
 * ```
 */
export interface DetectedImport {
  /** The format, as `POST /v1/imports` names it. */
  format: DetectedImportFormat;
  /** The source as the import request takes it: parsed JSON, or the text. */
  source: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonFormat(value: unknown): DetectedImportFormat | undefined {
  if (isRecord(value)) {
    if (value.kairos === 'export') return 'kairos';
    if (Array.isArray(value.cron_jobs)) return 'easycron';
    if (isRecord(value.jobDetails)) return 'cronjob-org';
    if (Array.isArray(value.jobs)) return jobFormat(value.jobs);
    if (Array.isArray(value.data)) return jobFormat(value.data) === 'justrun' ? 'justrun' : undefined;
    return undefined;
  }
  if (Array.isArray(value)) return jobFormat(value);
  return undefined;
}

function jobFormat(list: unknown[]): DetectedImportFormat | undefined {
  const first = list.find(isRecord);
  if (!first) return undefined;
  const job = isRecord(first.jobDetails) ? first.jobDetails : first;
  if ('cron_job_id' in job || 'cron_job_name' in job) return 'easycron';
  const schedule = job.schedule;
  if ('jobId' in job || 'requestMethod' in job || (isRecord(schedule) && ('hours' in schedule || 'minutes' in schedule || 'wdays' in schedule))) return 'cronjob-org';
  if ('cron_expression' in job && 'url' in job) return 'justrun';
  return undefined;
}

const commandStart = /^\s*(?:\S*\/)?(curl|wget)(?:\s|$)/;
const cronField = /^[\d*/,?LW#A-Za-z-]+$/;
const nickname = /^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)\s+\S/;
const envLine = /^[A-Za-z_][A-Za-z0-9_]*\s*=/;

function isCronLine(line: string): boolean {
  if (nickname.test(line)) return true;
  const words = line.split(/\s+/);
  return words.length >= 6 && words.slice(0, 5).every((w) => cronField.test(w));
}

function textFormat(text: string): DetectedImportFormat | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return undefined;
  if (commandStart.test(lines[0]!)) return 'curl';
  const entries = lines.filter((l) => !envLine.test(l));
  if (entries.length > 0 && entries.every(isCronLine)) return 'crontab';
  return undefined;
}

/**
 * The format of `text` (a file's content), and the source to send with it to `POST /v1/imports`;
 * undefined when it is none that Kairos imports.
 * @example
 * ```ts
 * const found = detectImportFormat(readFileSync('jobs.json', 'utf8'));
 * if (found) await kairos.imports.create({ ...found, dryRun: true });
 * ```
 */
export function detectImportFormat(text: string): DetectedImport | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    const format = jsonFormat(value);
    return format ? { format, source: value } : undefined;
  }
  const format = textFormat(text);
  return format ? { format, source: text } : undefined;
}
