import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ChangeEvent, useState } from 'react';
// The CLI's detector, shared so "auto" means the same in both; it imports nothing of the SDK's client.
import { detectImportFormat } from '../../../../sdk/src/importFormat';
import { ApiError, api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { Body } from '../../api/types';
import { relative } from '../../app/format';
import { ErrorNote, Field, PageTitle, StatusBadge } from '../../app/ui';

type ImportRequest = Body<'/v1/imports', 'post'>;
type ImportResult = paths['/v1/imports']['post']['responses'][200]['content']['application/json']['data'];
type Format = ImportRequest['format'];

const formats: Array<[Format, string]> = [
  ['kairos', 'Kairos export'],
  ['justrun', 'JustRun JSON'],
  ['cronjob-org', 'cron-job.org JSON'],
  ['easycron', 'EasyCron JSON'],
  ['crontab', 'crontab'],
  ['curl', 'curl or wget command'],
];
const formatName = (f: Format) => formats.find(([v]) => v === f)?.[1] ?? f;
const textFormats: Format[] = ['crontab', 'curl'];

/** The request the form describes, or why there is none yet. */
function requestOf(choice: Format | 'auto', text: string, spaceId: string, cron: string, timezone: string): { request: ImportRequest } | { problem: string } {
  if (text.trim() === '') return { problem: 'Paste the jobs or choose a file first.' };
  let format: Format;
  let source: unknown;
  if (choice === 'auto') {
    const detected = detectImportFormat(text);
    if (!detected) return { problem: 'Cannot tell what this is: choose its format.' };
    ({ format, source } = detected);
  } else {
    format = choice;
    if (textFormats.includes(format)) source = text;
    else {
      try {
        source = JSON.parse(text) as unknown;
      } catch {
        return { problem: `A ${formatName(format)} must be JSON, and this is not.` };
      }
    }
  }
  const request: ImportRequest = { format, source };
  if (spaceId) request.spaceId = spaceId;
  if (format === 'curl') {
    if (cron.trim() === '') return { problem: 'A curl command needs a schedule: give a cron expression.' };
    request.schedule = { type: 'cron', expression: cron.trim(), ...(timezone.trim() ? { timezone: timezone.trim() } : {}) } as ImportRequest['schedule'];
  }
  return { request };
}

/** Jobs from elsewhere: paste or upload, preview what a dry run says, then import. */
export function ImportPage() {
  const queryClient = useQueryClient();
  const spaces = useQuery({ queryKey: ['spaces'], queryFn: () => unwrap(api.GET('/v1/spaces', { params: { query: { page: 1, perPage: 100 } } })) });
  const [choice, setChoice] = useState<Format | 'auto'>('auto');
  const [text, setText] = useState('');
  const [spaceId, setSpaceId] = useState('');
  const [cron, setCron] = useState('');
  const [timezone, setTimezone] = useState('');
  const [fileError, setFileError] = useState<string>();

  const built = requestOf(choice, text, spaceId, cron, timezone);
  const detected = choice === 'auto' && 'request' in built ? built.request.format : undefined;
  const effective = choice === 'auto' ? detected : choice;

  const run = useMutation({
    mutationFn: (dryRun: boolean) => {
      if (!('request' in built)) throw new Error(built.problem);
      return unwrap(api.POST('/v1/imports', { body: { ...built.request, dryRun } })).then((r) => r.data);
    },
    onSuccess: (result) => {
      if (!result.dryRun) void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    },
  });
  // A preview belongs to the input it was made from; any change asks for a new one.
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    run.reset();
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setFileError(undefined);
    if (!file) return;
    try {
      changed(setText)(await file.text());
    } catch (err) {
      setFileError(`Cannot read ${file.name}: ${(err as Error).message}`);
    }
  };

  const result = run.data;
  const err = run.error instanceof ApiError ? run.error : undefined;
  return (
    <>
      <PageTitle
        actions={
          <Link to="/" className="button secondary">
            Back to jobs
          </Link>
        }
      >
        Import jobs
      </PageTitle>
      <form className="card import-form" aria-label="Import" onSubmit={(e) => e.preventDefault()} noValidate>
        <div className="row">
          <Field label="Format" hint={detected ? `Looks like: ${formatName(detected)}` : 'Told from the content, or say which'}>
            <select value={choice} onChange={(e) => changed(setChoice)(e.target.value as Format | 'auto')}>
              <option value="auto">Auto</option>
              {formats.map(([value, name]) => (
                <option key={value} value={value}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Space" error={err?.issue('spaceId')} hint="Optional: where every imported job goes">
            <select value={spaceId} onChange={(e) => changed(setSpaceId)(e.target.value)}>
              <option value="">No space</option>
              {spaces.data?.data.map((sp) => (
                <option key={sp.id} value={sp.id}>
                  {sp.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="Jobs to import" error={err?.issue('source')} hint="A Kairos export, JustRun, cron-job.org or EasyCron JSON, a crontab, or a curl command">
          <textarea className="mono" rows={10} value={text} onChange={(e) => changed(setText)(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Or upload a file" error={fileError}>
          <input type="file" accept=".json,.txt,.cron,.crontab,.sh,text/plain,application/json" onChange={(e) => void upload(e)} />
        </Field>
        {effective === 'curl' && (
          <div className="row">
            <Field label="Cron expression" error={err?.issue('schedule')} hint="When the curl command runs">
              <input className="mono" value={cron} onChange={(e) => changed(setCron)(e.target.value)} placeholder="0 9 * * 1-5" />
            </Field>
            <Field label="Time zone" hint="IANA name; empty for the project's">
              <input value={timezone} onChange={(e) => changed(setTimezone)(e.target.value)} placeholder="Europe/Berlin" />
            </Field>
          </div>
        )}
        {'problem' in built && text.trim() !== '' && <p className="muted">{built.problem}</p>}
        <div className="actions">
          <button type="button" className="secondary" disabled={!('request' in built) || run.isPending} onClick={() => run.mutate(true)}>
            Preview
          </button>
          <button type="button" disabled={!result?.dryRun || run.isPending} onClick={() => run.mutate(false)}>
            Import
          </button>
        </div>
      </form>
      <ErrorNote error={err && !err.body?.error.details?.length ? err : run.error && !err ? run.error : null} />
      {result && <ImportOutcome result={result} spaceName={(id) => spaces.data?.data.find((sp) => sp.id === id)?.name ?? id} />}
    </>
  );
}

function ImportOutcome({ result, spaceName }: { result: ImportResult; spaceName: (id: string) => string }) {
  const failed = result.errors.length;
  return (
    <section className="card" aria-label={result.dryRun ? 'Preview' : 'Imported'}>
      <h2>{result.dryRun ? 'What the import would do' : 'Imported'}</h2>
      <p role="status">
        {result.dryRun ? 'Would import' : 'Imported'} {result.imported} ({result.created} new, {result.updated} updated), skipped {result.skipped}, {failed} failed
        {result.dryRun ? '; nothing was written yet.' : '.'}
        {!result.dryRun && result.jobIds.length > 0 && (
          <>
            {' '}
            <Link to="/">See the jobs</Link>
          </>
        )}
      </p>
      {result.jobs.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{result.dryRun ? 'Jobs the import would make' : 'Jobs imported'}</caption>
            <thead>
              <tr>
                <th>#</th>
                <th>Outcome</th>
                <th>Name</th>
                <th>Request</th>
                <th>Schedule</th>
                <th>Status</th>
                <th>Space</th>
                <th>Next run</th>
              </tr>
            </thead>
            <tbody>
              {result.jobs.map((j) => (
                <tr key={j.index}>
                  <td>{j.index + 1}</td>
                  <td>{j.outcome}</td>
                  <td>
                    {j.id ? (
                      <Link to="/jobs/$jobId" params={{ jobId: j.id }}>
                        {j.name ?? j.originalName ?? j.id}
                      </Link>
                    ) : (
                      (j.name ?? j.originalName ?? '—')
                    )}
                  </td>
                  <td className="mono break">
                    {j.method} {j.url ?? j.destination}
                  </td>
                  <td>{j.scheduleDescription}</td>
                  <td>
                    <StatusBadge status={j.status} />
                  </td>
                  <td>{j.spaceId ? spaceName(j.spaceId) : '—'}</td>
                  <td>{relative(j.nextRunAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <EntryList label="Errors" entries={result.errors} className="error" />
      <EntryList label="Skipped" entries={result.skippedEntries} />
      {result.toFillIn.length > 0 && (
        <>
          <h3>To fill in</h3>
          <ul>
            {result.toFillIn.map((f, i) => (
              <li key={i}>
                {f.what} {f.name ?? f.originalId}: {f.fields.join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function EntryList({ label, entries, className }: { label: string; entries: ImportResult['errors']; className?: string }) {
  if (entries.length === 0) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul aria-label={label}>
        {entries.map((e) => (
          <li key={e.index} className={className}>
            #{e.index + 1}
            {e.originalName ? ` (${e.originalName})` : ''}: {e.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
