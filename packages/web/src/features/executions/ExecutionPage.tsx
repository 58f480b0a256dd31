import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { absolute, bytes, duration, pretty } from '../../app/format';
import { ErrorNote, PageTitle, StatusBadge } from '../../app/ui';

const route = getRouteApi('/executions/$executionId');

function Headers({ headers }: { headers: Record<string, string | string[]> | null | undefined }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p className="muted">No headers recorded.</p>;
  return (
    <table className="headers">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="mono">{Array.isArray(v) ? v.join(', ') : v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One attempt: the request as sent, the response as received, its timings; replay it. */
export function ExecutionPage() {
  const { executionId } = route.useParams();
  const queryClient = useQueryClient();
  const exe = useQuery({
    queryKey: ['executions', 'one', executionId],
    queryFn: () => unwrap(api.GET('/v1/executions/{id}', { params: { path: { id: executionId } } })),
  });
  const replay = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/executions/{id}/replay', { params: { path: { id: executionId } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['executions'] }),
  });
  if (exe.error) return <ErrorNote error={exe.error} />;
  if (!exe.data) return <p className="muted">Loading…</p>;
  const e = exe.data.data;
  return (
    <>
      <PageTitle
        actions={
          <button type="button" onClick={() => replay.mutate()} disabled={replay.isPending}>
            Replay
          </button>
        }
      >
        Attempt {e.attempt} <StatusBadge status={e.status} />
      </PageTitle>
      <p>
        <Link to="/jobs/$jobId" params={{ jobId: e.jobId }}>
          ← Job {e.jobId}
        </Link>
        {e.replayOf && (
          <>
            {' · replays '}
            <Link to="/executions/$executionId" params={{ executionId: e.replayOf }}>
              {e.replayOf}
            </Link>
          </>
        )}
      </p>
      <ErrorNote error={replay.error} />
      {replay.isSuccess && (
        <p className="note" role="status">
          Replay queued; it appears on the job's page when it completes.
        </p>
      )}
      <dl className="settings card">
        <dt>Scheduled for</dt>
        <dd>{absolute(e.scheduledFor)}</dd>
        <dt>Started</dt>
        <dd>{absolute(e.startedAt)}</dd>
        <dt>Completed</dt>
        <dd>{absolute(e.completedAt)}</dd>
        <dt>Duration</dt>
        <dd>{duration(e.durationMs)}</dd>
        <dt>Triggered by</dt>
        <dd>{e.triggeredBy}</dd>
        {e.error && (
          <>
            <dt>Error</dt>
            <dd className="error">{e.error}</dd>
          </>
        )}
      </dl>
      <div className="two-col">
        <section className="card">
          <h2>Request</h2>
          {e.request ? (
            <>
              <p className="mono break">
                {e.request.method} {e.request.url}
              </p>
              <h3>Headers</h3>
              <Headers headers={e.request.headers} />
              <h3>Body ({bytes(e.request.body)})</h3>
              <pre className="body" tabIndex={0}>
                {pretty(e.request.body) || '(empty)'}
              </pre>
            </>
          ) : (
            <p className="muted">Not recorded.</p>
          )}
        </section>
        <section className="card">
          <h2>Response {e.statusCode !== null && <span className="mono">{e.statusCode}</span>}</h2>
          <h3>Headers</h3>
          <Headers headers={e.responseHeaders} />
          <h3>Body ({bytes(e.responseBody)})</h3>
          <pre className="body" tabIndex={0} aria-label="Response body">
            {pretty(e.responseBody) || '(empty)'}
          </pre>
        </section>
      </div>
    </>
  );
}
