import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { JobStatus } from '../../api/types';
import { absolute, relative } from '../../app/format';
import { ErrorNote, PageTitle, StatusBadge } from '../../app/ui';
import { jobListQuery, sparklinesQuery } from './queries';
import { Sparkline } from './Sparkline';

const route = getRouteApi('/');
const statuses: JobStatus[] = ['active', 'paused', 'completed', 'failed', 'cancelled'];

/** Every job with its schedule in words, next run, last status and 24 h sparkline; filters live in the URL. */
export function JobsPage() {
  const filters = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const jobs = useQuery(jobListQuery(filters));
  const lines = useQuery(sparklinesQuery(filters));
  const spaces = useQuery({ queryKey: ['spaces'], queryFn: () => unwrap(api.GET('/v1/spaces', { params: { query: { page: 1, perPage: 100 } } })) });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [q, setQ] = useState(filters.q ?? '');

  // Typing searches after a pause, so the URL (and the list) does not change on every key.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((filters.q ?? '') !== q) void navigate({ search: (s) => ({ ...s, q: q || undefined, page: undefined }), replace: true });
    }, 250);
    return () => clearTimeout(t);
  }, [q, filters.q, navigate]);

  const bulk = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'delete') => unwrap(api.POST('/v1/jobs/bulk', { body: { jobIds: [...selected], action } })),
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
      void queryClient.invalidateQueries({ queryKey: ['spaces'] });
    },
  });

  const points = new Map(lines.data?.data.map((l) => [l.jobId, l.points]));
  const rows = jobs.data?.data ?? [];
  const allSelected = rows.length > 0 && rows.every((j) => selected.has(j.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <PageTitle
        actions={
          <>
            <Link to="/import" className="button secondary">
              Import
            </Link>
            <Link to="/jobs/new" className="button">
              New job
            </Link>
          </>
        }
      >
        Jobs
      </PageTitle>
      <div className="filters" role="search">
        <label className="inline">
          <span className="sr-only">Search jobs by name or URL</span>
          <input type="search" placeholder="Search name or URL" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label className="inline">
          <span className="sr-only">Status</span>
          <select value={filters.status ?? ''} onChange={(e) => void navigate({ search: (s) => ({ ...s, status: (e.target.value || undefined) as JobStatus | undefined, page: undefined }) })}>
            <option value="">Any status</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {(spaces.data?.data.length ?? 0) > 0 && (
          <label className="inline">
            <span className="sr-only">Space</span>
            <select value={filters.spaceId ?? ''} onChange={(e) => void navigate({ search: (s) => ({ ...s, spaceId: e.target.value || undefined, page: undefined }) })}>
              <option value="">Any space</option>
              {spaces.data?.data.map((sp) => (
                <option key={sp.id} value={sp.id}>
                  {sp.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {filters.tag && (
          <button type="button" className="chip" onClick={() => void navigate({ search: (s) => ({ ...s, tag: undefined }) })}>
            tag: {filters.tag} ✕<span className="sr-only"> remove tag filter</span>
          </button>
        )}
      </div>
      {selected.size > 0 && (
        <div className="bulkbar" role="region" aria-label="Bulk actions">
          <span>{selected.size} selected</span>
          <button type="button" className="secondary" onClick={() => bulk.mutate('pause')}>
            Pause
          </button>
          <button type="button" className="secondary" onClick={() => bulk.mutate('resume')}>
            Resume
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Delete ${selected.size} job(s)?`)) bulk.mutate('delete');
            }}
          >
            Delete
          </button>
        </div>
      )}
      <ErrorNote error={jobs.error ?? bulk.error} />
      {jobs.isSuccess && rows.length === 0 ? (
        <p className="empty">{filters.q || filters.status || filters.tag || filters.spaceId ? 'No job matches these filters.' : 'No jobs yet. Create one to start scheduling.'}</p>
      ) : (
        <div className="table-wrap">
          {/* On a phone each row is a card whose cells carry their column's name (data-label). */}
          <table className="jobs">
            <thead>
              <tr>
                <th scope="col">
                  <label>
                    <input
                      type="checkbox"
                      aria-label="Select all jobs on this page"
                      checked={allSelected}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((j) => j.id)))}
                    />
                    <span className="phone-only" aria-hidden="true">
                      {' '}
                      Select all
                    </span>
                  </label>
                </th>
                <th scope="col">Job</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next run</th>
                <th scope="col">Last</th>
                <th scope="col">24 h</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((job) => (
                <tr key={job.id}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${job.name ?? job.id}`} checked={selected.has(job.id)} onChange={() => toggle(job.id)} />
                  </td>
                  <td>
                    <Link to="/jobs/$jobId" params={{ jobId: job.id }} className="job-name">
                      {job.name || job.id}
                    </Link>
                    <div className="sub">{job.url ?? job.destination?.type}</div>
                    {job.tags.length > 0 && (
                      <div className="tags">
                        {job.tags.map((t) => (
                          <Link key={t} to="/" search={(s) => ({ ...s, tag: t })} className="tag">
                            {t}
                          </Link>
                        ))}
                      </div>
                    )}
                  </td>
                  <td data-label="Schedule">{job.scheduleDescription}</td>
                  <td data-label="Next run">
                    <time dateTime={job.nextRunAt ?? undefined} title={absolute(job.nextRunAt)}>
                      {relative(job.nextRunAt)}
                    </time>
                  </td>
                  <td data-label="Last">
                    <StatusBadge status={job.lastStatus} />
                    {job.lastStatusCode !== null && <span className="sub"> {job.lastStatusCode}</span>}
                  </td>
                  <td data-label="24 h">
                    <Sparkline points={points.get(job.id)} />
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {jobs.data && jobs.data.meta.total > jobs.data.meta.perPage && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="secondary" disabled={(filters.page ?? 1) <= 1} onClick={() => void navigate({ search: (s) => ({ ...s, page: (filters.page ?? 1) - 1 }) })}>
            Previous
          </button>
          <span>
            Page {jobs.data.meta.page} of {Math.ceil(jobs.data.meta.total / jobs.data.meta.perPage)}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={jobs.data.meta.page * jobs.data.meta.perPage >= jobs.data.meta.total}
            onClick={() => void navigate({ search: (s) => ({ ...s, page: (filters.page ?? 1) + 1 }) })}
          >
            Next
          </button>
        </nav>
      )}
    </>
  );
}
