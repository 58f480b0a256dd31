import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { absolute } from '../../app/format';
import { ErrorNote, PageTitle } from '../../app/ui';

const route = getRouteApi('/calendar');
const dayMs = 86_400_000;

function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

interface Mark {
  at: number;
  kind: 'upcoming' | 'success' | 'failure';
  label: string;
  executionId?: string;
}

/**
 * Every job's runs of one day on a timeline: past attempts by outcome and upcoming occurrences,
 * one lane per job, so what fires when, and what failed, shows at a glance.
 */
export function CalendarPage() {
  const { day } = route.useSearch();
  const navigate = route.useNavigate();
  const today = localDay(new Date());
  const shown = day ?? today;
  const start = new Date(`${shown}T00:00:00`).getTime();
  const end = start + dayMs;
  const now = Date.now();

  const past = useQuery({
    queryKey: ['executions', 'calendar', start],
    enabled: start < now,
    queryFn: () =>
      unwrap(api.GET('/v1/executions', { params: { query: { page: 1, perPage: 100, from: new Date(start).toISOString(), to: new Date(Math.min(end, now + 1000)).toISOString() } } })),
  });
  const upcoming = useQuery({
    queryKey: ['upcoming', 'calendar', start],
    enabled: end > now,
    queryFn: () => unwrap(api.GET('/v1/runs/upcoming', { params: { query: { from: new Date(Math.max(start, now)).toISOString(), to: new Date(end).toISOString(), limit: 1000 } } })),
  });

  const lanes = new Map<string, { name: string; marks: Mark[] }>();
  const lane = (jobId: string, name: string | null) => {
    let l = lanes.get(jobId);
    if (!l) lanes.set(jobId, (l = { name: name || jobId, marks: [] }));
    else if (name) l.name = name;
    return l;
  };
  for (const u of upcoming.data?.data ?? []) lane(u.jobId, u.jobName).marks.push({ at: Date.parse(u.at), kind: 'upcoming', label: `upcoming ${absolute(u.at)}` });
  for (const e of past.data?.data ?? []) {
    const ok = e.status === 'success';
    lane(e.jobId, null).marks.push({ at: Date.parse(e.startedAt), kind: ok ? 'success' : 'failure', label: `${e.status} ${e.statusCode ?? ''} ${absolute(e.startedAt)}`, executionId: e.id });
  }
  const shift = (days: number) => void navigate({ search: { day: localDay(new Date(start + days * dayMs + dayMs / 2)) } });
  const pct = (at: number) => `${(((at - start) / dayMs) * 100).toFixed(3)}%`;

  return (
    <>
      <PageTitle
        actions={
          <>
            <button type="button" className="secondary" onClick={() => shift(-1)}>
              ← Previous day
            </button>
            <button type="button" className="secondary" onClick={() => void navigate({ search: {} })} disabled={shown === today}>
              Today
            </button>
            <button type="button" className="secondary" onClick={() => shift(1)}>
              Next day →
            </button>
          </>
        }
      >
        Calendar · {new Date(start).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}
      </PageTitle>
      <ErrorNote error={past.error ?? upcoming.error} />
      <p className="legend">
        <span className="mark success" /> succeeded <span className="mark failure" /> failed <span className="mark upcoming" /> upcoming
        {(past.data?.meta.total ?? 0) > 100 && <span className="muted"> · the latest 100 attempts of the day are shown</span>}
        {upcoming.data?.meta.truncated && <span className="muted"> · the first 1000 upcoming runs are shown</span>}
      </p>
      {lanes.size === 0 ? (
        <p className="empty">Nothing ran or is due to run on this day.</p>
      ) : (
        <div className="timeline" role="table" aria-label="Runs by job and hour">
          <div className="hours" role="row" aria-hidden="true">
            <span className="lane-name" />
            <div className="lane-track">
              {[0, 3, 6, 9, 12, 15, 18, 21].map((h) => (
                <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
                  {String(h).padStart(2, '0')}:00
                </span>
              ))}
            </div>
          </div>
          {[...lanes.entries()].map(([jobId, l]) => (
            <div key={jobId} className="lane" role="row">
              <span className="lane-name" role="rowheader">
                <Link to="/jobs/$jobId" params={{ jobId }}>
                  {l.name}
                </Link>
              </span>
              <div className="lane-track" role="cell">
                {start <= now && now < end && <span className="now" style={{ left: pct(now) }} aria-hidden="true" />}
                {l.marks.map((m, i) =>
                  m.executionId ? (
                    <Link key={i} to="/executions/$executionId" params={{ executionId: m.executionId }} className={`mark ${m.kind}`} style={{ left: pct(m.at) }} title={m.label} aria-label={m.label} />
                  ) : (
                    <span key={i} className={`mark ${m.kind}`} style={{ left: pct(m.at) }} title={m.label} role="img" aria-label={m.label} />
                  ),
                )}
              </div>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
