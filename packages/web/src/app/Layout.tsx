import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, unwrap } from '../api/client';
import { getSession, setSession, subscribeSession } from '../api/session';
import { useLiveStream } from '../live/useLiveStream';
import { applyTheme, initialTheme, type Theme } from './theme';

const nav = [
  ['/', 'Jobs'],
  ['/calendar', 'Calendar'],
  ['/spaces', 'Spaces'],
  ['/inbound', 'Inbound'],
  ['/alerts', 'Alerts'],
  ['/keys', 'API keys'],
  ['/settings', 'Settings'],
] as const;

/** The frame of every signed-in page: navigation, project, live indicator, theme, sign out. */
export function Layout() {
  const session = useSyncExternalStore(subscribeSession, getSession);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    if (!session) void navigate({ to: '/login' });
  }, [session, navigate]);

  // One stream per sign-in and project: switching project, or signing out and in again, reconnects it.
  const streamKey = !session ? null : session.kind === 'user' ? `user:${session.projectId}` : `key:${session.apiKey.slice(-8)}`;
  const live = useLiveStream(streamKey);
  const project = useQuery({ queryKey: ['project'], queryFn: () => unwrap(api.GET('/v1/project')), enabled: !!session });

  const signOut = () => {
    setSession(null);
    queryClient.clear();
  };

  return (
    <div className="shell">
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span aria-hidden="true">◷</span> Kairos
        </Link>
        <nav aria-label="Main">
          {nav.map(([to, label]) => (
            <Link key={to} to={to} activeOptions={{ exact: to === '/' }} activeProps={{ className: 'active', 'aria-current': 'page' }}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="topbar-end">
          <span className="project" title="Current project">
            {project.data?.data.name}
          </span>
          <span className={`live live-${live}`} role="status" aria-label={`Live updates: ${live}`}>
            ● {live}
          </span>
          <button type="button" className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button type="button" className="ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
