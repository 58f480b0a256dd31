import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { JobStatus } from '../../api/types';

export interface JobFilters {
  status?: JobStatus;
  q?: string;
  tag?: string;
  spaceId?: string;
  page?: number;
}

const perPage = 50;

export const jobListQuery = (f: JobFilters) =>
  queryOptions({
    queryKey: ['jobs', 'list', f],
    queryFn: () => unwrap(api.GET('/v1/jobs', { params: { query: { page: f.page ?? 1, perPage, status: f.status, q: f.q || undefined, tag: f.tag || undefined, spaceId: f.spaceId || undefined } } })),
    placeholderData: keepPreviousData,
  });

export const sparklinesQuery = (f: JobFilters) =>
  queryOptions({
    queryKey: ['jobs', 'sparklines', f],
    queryFn: () => unwrap(api.GET('/v1/jobs/sparklines', { params: { query: { page: f.page ?? 1, perPage, status: f.status, q: f.q || undefined, tag: f.tag || undefined, spaceId: f.spaceId || undefined } } })),
  });

export const jobQuery = (id: string) =>
  queryOptions({
    queryKey: ['job', id],
    queryFn: () => unwrap(api.GET('/v1/jobs/{id}', { params: { path: { id } } })),
  });

export const jobExecutionsQuery = (id: string) =>
  queryOptions({
    queryKey: ['executions', 'job', id],
    queryFn: () => unwrap(api.GET('/v1/jobs/{id}/executions', { params: { path: { id }, query: { page: 1, perPage: 100 } } })),
  });

export const jobUpcomingQuery = (id: string) =>
  queryOptions({
    queryKey: ['upcoming', 'job', id],
    queryFn: () => unwrap(api.GET('/v1/runs/upcoming', { params: { query: { jobId: id, limit: 10, to: new Date(Date.now() + 31 * 86_400_000 - 60_000).toISOString() } } })),
  });
