import { useQueries, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { absolute } from '../../app/format';
import { ErrorNote, PageTitle } from '../../app/ui';
import { upcomingOfDay } from './upcomingOfDay';

const route = getRouteApi('/calendar');
const dayMs = 86_400_000;
const hourMs = 3_600_000;

function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

interface Mark {
  at: number;
  kind: 'upcoming' | 'success' | 'failure';
  /** Null for an upcoming run: worded only if drawn alone, since a week can hold tens of thousands. */
  label: string | null;
  executionId?: string;
}

const kindWords: Record<Mark['kind'], string> = { upcoming: 'upcoming', success: 'succeeded', failure: 'failed' };

/** As `absolute` words an instant, with one formatter for the thousands of runs a day view can draw. */
const whenWords = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dayWords = (at: number) => new Date(at).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' });
const timeWords = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
/** "Mon 7 (drawn up to 06:24:14), Tue 8 (…)", or the time said once when every day stops at the same. */
function cutWords(cuts: number[]): string {
  const times = new Set(cuts.map(timeWords));
  if (cuts.length > 1 && times.size === 1) return `${cuts.map(dayWords).join(', ')} (each drawn up to ${timeWords(cuts[0]!)})`;
  return cuts.map((at) => `${dayWords(at)} (drawn up to ${timeWords(at)})`).join(', ');
}

/** The Monday (local time) of the week holding `day`. */
function mondayOf(day: string): Date {
  const d = new Date(`${day}T00:00:00`);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7));
}

/**
 * A week holds far more runs than a lane can show one by one: the marks of each hour are drawn as
 * one per outcome, labelled with how many there were, midway between the first and the last of
 * them: an hour read only in part (up to a day's cut, or from now on) keeps its mark among its runs,
 * not at the middle of the hour past the hatch or the now line.
 */
function byHour(marks: Mark[], start: number): Mark[] {
  const groups = new Map<string, Mark[]>();
  for (const m of marks) {
    const key = `${m.kind}:${Math.floor((m.at - start) / hourMs)}`;
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const hour = start + Math.floor((g[0]!.at - start) / hourMs) * hourMs;
    const when = new Date(hour).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    const ats = g.map((m) => m.at);
    const middle = (Math.min(...ats) + Math.max(...ats)) / 2;
    return { at: middle, kind: g[0]!.kind, label: `${g.length} ${kindWords[g[0]!.kind]} in the hour from ${when}` };
  });
}

/**
 * Every job's runs of one day on a timeline: past attempts by outcome and upcoming occurrences,
 * one lane per job, so what fires when, and what failed, shows at a glance.
 */
export function CalendarPage() {
  const { day, view = 'day' } = route.useSearch();
  const week = view === 'week';
  const navigate = route.useNavigate();
  const today = localDay(new Date());
  const shown = day ?? today;
  const first = week ? mondayOf(shown) : new Date(`${shown}T00:00:00`);
  const start = first.getTime();
  const days = week ? 7 : 1;
  // From local midnight to local midnight, so a daylight-saving change keeps its 23 or 25 hours.
  const end = new Date(first.getFullYear(), first.getMonth(), first.getDate() + days).getTime();
  const span = end - start;
  const now = Date.now();

  const past = useQuery({
    queryKey: ['executions', 'calendar', start, end],
    enabled: start < now,
    queryFn: () =>
      unwrap(api.GET('/v1/executions', { params: { query: { page: 1, perPage: 100, from: new Date(start).toISOString(), to: new Date(Math.min(end, now + 1000)).toISOString() } } })),
  });
  // One query a day, so that a day too full to read whole cuts off only itself.
  const dayBounds = Array.from({ length: days }, (_, i) => ({
    from: new Date(first.getFullYear(), first.getMonth(), first.getDate() + i).getTime(),
    to: new Date(first.getFullYear(), first.getMonth(), first.getDate() + i + 1).getTime(),
  }));
  const upcomingDays = useQueries({
    queries: dayBounds.map((d) => ({
      queryKey: ['upcoming', 'calendar', d.from, d.to],
      enabled: d.to > now,
      queryFn: () => upcomingOfDay(Math.max(d.from, Date.now()), d.to),
    })),
  });
  const upcomingError = upcomingDays.find((q) => q.error)?.error ?? null;
  const cuts = upcomingDays.flatMap((q, i) => (q.data?.cutAt == null ? [] : [{ at: q.data.cutAt, dayEnd: dayBounds[i]!.to, drawn: q.data.runs.length }]));

  const lanes = new Map<string, { name: string; marks: Mark[] }>();
  const lane = (jobId: string, name: string | null) => {
    let l = lanes.get(jobId);
    if (!l) lanes.set(jobId, (l = { name: name || jobId, marks: [] }));
    else if (name) l.name = name;
    return l;
  };
  for (const u of upcomingDays.flatMap((q) => q.data?.runs ?? [])) lane(u.jobId, u.jobName).marks.push({ at: Date.parse(u.at), kind: 'upcoming', label: null });
  for (const e of past.data?.data ?? []) {
    const ok = e.status === 'success';
    lane(e.jobId, null).marks.push({ at: Date.parse(e.startedAt), kind: ok ? 'success' : 'failure', label: `${e.status} ${e.statusCode ?? ''} ${absolute(e.startedAt)}`, executionId: e.id });
  }
  const shift = (by: number) => void navigate({ search: (s) => ({ ...s, day: localDay(new Date(start + by * dayMs + dayMs / 2)) }) });
  const pct = (at: number) => `${(((at - start) / span) * 100).toFixed(3)}%`;
  const ticks = week
    ? Array.from({ length: 7 }, (_, i) => {
        const d = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i);
        return { at: d.getTime(), label: d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' }) };
      })
    : [0, 3, 6, 9, 12, 15, 18, 21].map((h) => ({ at: start + h * hourMs, label: `${String(h).padStart(2, '0')}:00` }));
  const last = new Date(end - 1);
  const title = week
    ? `${first.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} – ${last.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}`
    : first.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
  const unit = week ? 'week' : 'day';

  return (
    <>
      <PageTitle
        actions={
          <>
            <div className="segmented" role="group" aria-label="View">
              <button type="button" className="secondary" aria-pressed={!week} onClick={() => void navigate({ search: (s) => ({ ...s, view: undefined }) })}>
                Day
              </button>
              <button type="button" className="secondary" aria-pressed={week} onClick={() => void navigate({ search: (s) => ({ ...s, view: 'week' as const }) })}>
                Week
              </button>
            </div>
            <button type="button" className="secondary" onClick={() => shift(-days)}>
              ← Previous {unit}
            </button>
            <button type="button" className="secondary" onClick={() => void navigate({ search: (s) => ({ ...s, day: undefined }) })} disabled={start <= now && now < end}>
              {week ? 'This week' : 'Today'}
            </button>
            <button type="button" className="secondary" onClick={() => shift(days)}>
              Next {unit} →
            </button>
          </>
        }
      >
        Calendar · {title}
      </PageTitle>
      <ErrorNote error={past.error ?? upcomingError} />
      <p className="legend">
        <span className="mark success" /> succeeded <span className="mark failure" /> failed <span className="mark upcoming" /> upcoming
        {(past.data?.meta.total ?? 0) > 100 && <span className="muted"> · the latest 100 attempts of the {unit} are shown</span>}
      </p>
      {cuts.length > 0 && (
        <p className="note cut-note">
          Too many upcoming runs to draw whole on {cutWords(cuts.map((c) => c.at))}: the rest of each such day is hatched.
        </p>
      )}
      {lanes.size === 0 ? (
        <p className="empty">Nothing ran or is due to run in this {unit}.</p>
      ) : (
        <div className={`timeline ${week ? 'week' : 'day'}`} role="table" aria-label={week ? 'Runs by job and day' : 'Runs by job and hour'}>
          <div className="hours" role="row" aria-hidden="true">
            <span className="lane-name" />
            <div className="lane-track">
              {ticks.map((t) => (
                <span key={t.at} style={{ left: pct(t.at) }}>
                  {t.label}
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
                {cuts.map((c) => (
                  <span key={c.at} className="not-drawn" style={{ left: pct(c.at), right: `${(((end - c.dayEnd) / span) * 100).toFixed(3)}%` }} title={`Runs after ${timeWords(c.at)} are not drawn`} aria-hidden="true" />
                ))}
                {(week ? byHour(l.marks, start) : l.marks).map((m, i) => {
                  const label = m.label ?? `upcoming ${whenWords.format(m.at)}`;
                  return m.executionId ? (
                    <Link key={i} to="/executions/$executionId" params={{ executionId: m.executionId }} className={`mark ${m.kind}`} style={{ left: pct(m.at) }} title={label} aria-label={label} />
                  ) : (
                    <span key={i} className={`mark ${m.kind}`} style={{ left: pct(m.at) }} title={label} role="img" aria-label={label} />
                  );
                })}
              </div>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
