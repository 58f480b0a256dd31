import { createRootRoute, createRoute, createRouter, Outlet, redirect, useRouterState } from '@tanstack/react-router';
import { getSession } from '../api/session';
import type { JobStatus } from '../api/types';
import { AlertsPage } from '../features/alerts/AlertsPage';
import { LoginPage } from '../features/auth/LoginPage';
import { CalendarPage } from '../features/calendar/CalendarPage';
import { ExecutionPage } from '../features/executions/ExecutionPage';
import { EditJobPage, NewJobPage } from '../features/jobs/JobFormPages';
import { JobPage } from '../features/jobs/JobPage';
import { InboundPage } from '../features/inbound/InboundPage';
import { ImportPage } from '../features/imports/ImportPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { KeysPage } from '../features/keys/KeysPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { SpacesPage } from '../features/spaces/SpacesPage';
import { Layout } from './Layout';

const statuses = new Set(['active', 'paused', 'completed', 'failed', 'cancelled']);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The sign-in page stands alone; every other page is inside the frame and needs a session. */
function Frame() {
  const path = useRouterState({ select: (s) => s.location.pathname });
  return path === '/login' ? <Outlet /> : <Layout />;
}

const root = createRootRoute({
  component: Frame,
  beforeLoad: ({ location }) => {
    if (location.pathname !== '/login' && !getSession()) throw redirect({ to: '/login' });
  },
});

const login = createRoute({ getParentRoute: () => root, path: '/login', component: LoginPage });
const app = root;

const jobs = createRoute({
  getParentRoute: () => app,
  path: '/',
  component: JobsPage,
  // Filters live in the URL, so a filtered view can be shared and survives a reload.
  validateSearch: (s: Record<string, unknown>): { status?: JobStatus; q?: string; tag?: string; spaceId?: string; page?: number } => ({
    status: statuses.has(String(s.status)) ? (s.status as JobStatus) : undefined,
    q: text(s.q),
    tag: text(s.tag),
    spaceId: text(s.spaceId),
    page: Number(s.page) > 1 ? Math.floor(Number(s.page)) : undefined,
  }),
});
const newJob = createRoute({ getParentRoute: () => app, path: '/jobs/new', component: NewJobPage });
const job = createRoute({ getParentRoute: () => app, path: '/jobs/$jobId', component: JobPage });
const editJob = createRoute({ getParentRoute: () => app, path: '/jobs/$jobId/edit', component: EditJobPage });
const execution = createRoute({ getParentRoute: () => app, path: '/executions/$executionId', component: ExecutionPage });
const calendar = createRoute({
  getParentRoute: () => app,
  path: '/calendar',
  component: CalendarPage,
  validateSearch: (s: Record<string, unknown>): { day?: string; view?: 'week' } => ({
    day: typeof s.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s.day) ? s.day : undefined,
    view: s.view === 'week' ? 'week' : undefined,
  }),
});
const keys = createRoute({ getParentRoute: () => app, path: '/keys', component: KeysPage });
const alerts = createRoute({ getParentRoute: () => app, path: '/alerts', component: AlertsPage });
const spaces = createRoute({ getParentRoute: () => app, path: '/spaces', component: SpacesPage });
const inbound = createRoute({ getParentRoute: () => app, path: '/inbound', component: InboundPage });
const importJobs = createRoute({ getParentRoute: () => app, path: '/import', component: ImportPage });
const settings = createRoute({ getParentRoute: () => app, path: '/settings', component: SettingsPage });

const tree = root.addChildren([login, jobs, newJob, job, editJob, execution, calendar, spaces, inbound, keys, alerts, settings, importJobs]);

export const router = createRouter({ routeTree: tree, defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
