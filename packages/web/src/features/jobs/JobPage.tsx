import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import type { Execution, Job } from '../../api/types';
import { absolute, duration, relative } from '../../app/format';
import { ErrorNote, PageTitle, StatusBadge } from '../../app/ui';
import { Badges } from './Badges';
import { DurationChart } from './DurationChart';
import { jobExecutionsQuery, jobQuery, jobUpcomingQuery } from './queries';

const route = getRouteApi('/jobs/$jobId');

type Row = { kind: 'upcoming'; at: string } | { kind: 'past'; exe: Execution };

/** A job's settings, its next occurrences merged with its past attempts, and a chart of them. */
export function JobPage() {
  const { jobId } = route.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const job = useQuery(jobQuery(jobId));
  const executions = useQuery(jobExecutionsQuery(jobId));
  const upcoming = useQuery(jobUpcomingQuery(jobId));

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['job', jobId] });
    void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    void queryClient.invalidateQueries({ queryKey: ['upcoming'] });
  };
  const pause = useMutation({ mutationFn: () => unwrap(api.POST('/v1/jobs/{id}/pause', { params: { path: { id: jobId } } })), onSuccess: refresh });
  const resume = useMutation({ mutationFn: () => unwrap(api.POST('/v1/jobs/{id}/resume', { params: { path: { id: jobId } } })), onSuccess: refresh });
  const runNow = useMutation({ mutationFn: () => unwrap(api.POST('/v1/jobs/{id}/run', { params: { path: { id: jobId }, query: {} } })), onSuccess: refresh });
  const testRun = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/jobs/{id}/run', { params: { path: { id: jobId }, query: { wait: true } } })),
    onSuccess: () => {
      refresh();
      void queryClient.invalidateQueries({ queryKey: ['executions'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/jobs/{id}', { params: { path: { id: jobId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      void navigate({ to: '/' });
    },
  });

  if (job.error) return <ErrorNote error={job.error} />;
  if (!job.data) return <p className="muted">Loading…</p>;
  const j: Job = job.data.data;
  const past = executions.data?.data ?? [];
  const rows: Row[] = [
    ...(upcoming.data?.data ?? [])
      .slice(0, 5)
      .reverse()
      .map((u) => ({ kind: 'upcoming' as const, at: u.at })),
    ...past.map((exe) => ({ kind: 'past' as const, exe })),
  ];
  const tested = testRun.data?.data as Execution | undefined;

  return (
    <>
      <PageTitle
        actions={
          <>
            {j.status === 'paused' ? (
              <button type="button" onClick={() => resume.mutate()}>
                Resume
              </button>
            ) : (
              j.status === 'active' && (
                <button type="button" className="secondary" onClick={() => pause.mutate()}>
                  Pause
                </button>
              )
            )}
            <button type="button" className="secondary" onClick={() => runNow.mutate()}>
              Run now
            </button>
            <button type="button" className="secondary" onClick={() => testRun.mutate()} disabled={testRun.isPending}>
              {testRun.isPending ? 'Testing…' : 'Test run'}
            </button>
            <Link to="/jobs/$jobId/edit" params={{ jobId }} className="button secondary">
              Edit
            </Link>
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (window.confirm('Delete this job and its history?')) remove.mutate();
              }}
            >
              Delete
            </button>
          </>
        }
      >
        {j.name || j.id} <StatusBadge status={j.status} />
      </PageTitle>
      <ErrorNote error={pause.error ?? resume.error ?? runNow.error ?? testRun.error ?? remove.error} />
      {runNow.isSuccess && <p className="note" role="status">Run queued; it appears below as soon as it completes.</p>}
      {tested && (
        <div className="card" role="status" aria-label="Test run result">
          <strong>Test run:</strong> <StatusBadge status={tested.status} /> {tested.statusCode ?? ''} in {duration(tested.durationMs)} ·{' '}
          <Link to="/executions/$executionId" params={{ executionId: tested.id }}>
            see request and response
          </Link>
        </div>
      )}

      <dl className="settings card">
        <dt>Schedule</dt>
        <dd>{j.scheduleDescription}</dd>
        {j.destination ? (
          <>
            <dt>Sends to</dt>
            <dd>
              {j.destination.type}{' '}
              <span className="mono muted break">
                {j.destination.webhookUrl ?? j.destination.to?.join(', ') ?? (j.destination.chatId !== undefined ? `chat ${j.destination.chatId}` : '')}
              </span>
              {j.destination.subject && <> · “{j.destination.subject}”</>}
            </dd>
          </>
        ) : (
          <>
            <dt>Request</dt>
            <dd className="mono">
              {j.method} {j.url}
            </dd>
          </>
        )}
        <dt>Next run</dt>
        <dd>
          {j.nextRunAt ? (
            <>
              {relative(j.nextRunAt)} <span className="muted">({absolute(j.nextRunAt)})</span>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Retries</dt>
        <dd>
          {j.retryPolicy.maxRetries} ({j.retryPolicy.strategy}), timeout {duration(j.timeoutMs)}
        </dd>
        {j.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{j.tags.join(', ')}</dd>
          </>
        )}
        {followUpsOf(j).length > 0 && (
          <>
            <dt>Follow-ups</dt>
            <dd>
              <ul className="plain">
                {followUpsOf(j).map(([what, url]) => (
                  <li key={what}>
                    {what}: <span className="mono break">{url}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        <dt>Id</dt>
        <dd className="mono">{j.id}</dd>
      </dl>

      <section>
        <h2>Duration and outcome</h2>
        <DurationChart executions={past} />
      </section>

      <section>
        <h2>Runs</h2>
        <div className="table-wrap">
          <table className="runs" aria-label="Upcoming and past runs">
            <thead>
              <tr>
                <th scope="col">Scheduled for</th>
                <th scope="col">Started</th>
                <th scope="col">Lateness</th>
                <th scope="col">Duration</th>
                <th scope="col">Status</th>
                <th scope="col">Code</th>
                <th scope="col">Attempt</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) =>
                r.kind === 'upcoming' ? (
                  <tr key={`u${r.at}`} className="upcoming">
                    <td>
                      <time dateTime={r.at}>{absolute(r.at)}</time>
                    </td>
                    <td colSpan={6} className="muted">
                      upcoming, {relative(r.at)}
                    </td>
                  </tr>
                ) : (
                  <tr key={r.exe.id}>
                    <td>
                      <Link to="/executions/$executionId" params={{ executionId: r.exe.id }}>
                        {absolute(r.exe.scheduledFor)}
                      </Link>
                    </td>
                    <td>{absolute(r.exe.startedAt)}</td>
                    <td>{duration(Math.max(0, Date.parse(r.exe.startedAt) - Date.parse(r.exe.scheduledFor)))}</td>
                    <td>{duration(r.exe.durationMs)}</td>
                    <td>
                      <StatusBadge status={r.exe.status} />
                    </td>
                    <td>{r.exe.statusCode ?? '—'}</td>
                    <td>
                      {r.exe.attempt}
                      {r.exe.triggeredBy !== 'schedule' && <span className="muted"> ({r.exe.triggeredBy})</span>}
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      </section>

      <Badges jobId={j.id} name={j.name || j.id} />
    </>
  );
}

/** The job's follow-up URLs that are set, each with what sends to it. */
function followUpsOf(j: Job): Array<[string, string]> {
  const all: Array<[string, string | null]> = [
    ['on success', j.onComplete],
    ['result callback', j.callbackUrl],
    ['on failure', j.failureCallbackUrl],
    ['lifecycle events', j.eventsUrl],
  ];
  return all.filter((x): x is [string, string] => x[1] !== null);
}
