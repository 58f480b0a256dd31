import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { absolute, relative } from '../../app/format';
import { ErrorNote, StatusBadge } from '../../app/ui';

const shown = 10;

/** What was posted to one inbound webhook lately, and how each payload's delivery went. */
export function RecentRequests({ id, name }: { id: string; name: string }) {
  // Under 'jobs': each request is a job, so the live stream's job changes refresh this list too.
  const requests = useQuery({
    queryKey: ['jobs', 'inbound requests', id],
    queryFn: () => unwrap(api.GET('/v1/inbound-webhooks/{id}/requests', { params: { path: { id }, query: { page: 1, perPage: shown } } })),
  });
  const items = requests.data?.data ?? [];
  const total = requests.data?.meta.total ?? 0;
  return (
    <section className="recent-requests" aria-label={`Recent requests to ${name}`}>
      <h3>Recent requests {total > shown && <span className="muted">(the latest {shown} of {total})</span>}</h3>
      <ErrorNote error={requests.error} />
      {requests.isSuccess && items.length === 0 ? (
        <p className="muted">Nothing posted yet.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label={`Requests to ${name}`}>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Payload</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.jobId}>
                  <td>
                    <time dateTime={r.receivedAt} title={absolute(r.receivedAt)}>
                      {relative(r.receivedAt)}
                    </time>
                  </td>
                  <td>
                    <code className="payload">{JSON.stringify(r.payload)}</code>
                  </td>
                  <td>
                    <Link to="/jobs/$jobId" params={{ jobId: r.jobId }}>
                      {r.lastStatus ? (
                        <>
                          <StatusBadge status={r.lastStatus} /> {r.lastStatusCode ?? ''}
                        </>
                      ) : r.jobStatus === 'active' ? (
                        <>due {r.scheduledFor ? relative(r.scheduledFor) : 'now'}</>
                      ) : (
                        r.jobStatus
                      )}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
