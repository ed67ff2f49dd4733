import { useEffect, useRef } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { hasAnyAdmin, hasPermission, useMe } from '../../api/queries';
import type { Me } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { usePageTitle } from '../../lib/use-page-title';

type Tab = { path: string; label: string; allowed: (me: Me) => boolean };

/** Administration tabs, each shown only with its permission. */
const ADMIN_TABS: Tab[] = [
  { path: 'users', label: 'Users', allowed: (me) => hasPermission(me, 'admin.users') },
  { path: 'teams', label: 'Teams', allowed: (me) => hasPermission(me, 'admin.teams') },
  { path: 'fields', label: 'Case fields', allowed: (me) => hasPermission(me, 'admin.fields') },
  { path: 'service-levels', label: 'Service levels', allowed: (me) => hasPermission(me, 'admin.sla') },
  { path: 'roles', label: 'Roles', allowed: (me) => hasPermission(me, 'admin.roles') },
  { path: 'channels', label: 'Channels', allowed: (me) => hasPermission(me, 'admin.channels') },
  { path: 'webhooks', label: 'Webhooks', allowed: (me) => hasPermission(me, 'admin.channels') },
  { path: 'blocklist', label: 'Blocklist', allowed: (me) => hasPermission(me, 'admin.channels') },
  { path: 'tokens', label: 'API tokens', allowed: (me) => hasPermission(me, 'admin.tokens') },
  { path: 'organisation', label: 'Organisation', allowed: (me) => hasAnyAdmin(me) },
  { path: 'sso', label: 'Single sign-on', allowed: (me) => hasPermission(me, 'admin.users') },
  { path: 'audit-log', label: 'Audit log', allowed: (me) => hasPermission(me, 'admin.users') },
];

export function AdminLayout() {
  const me = useMe().data;
  const tabs = useActiveTabInView(Boolean(me));
  if (!me || !hasAnyAdmin(me)) {
    return (
      <div className="page">
        <EmptyState title="Administration is not available">Your role does not include any administration permission.</EmptyState>
      </div>
    );
  }
  return (
    <div className="page page-admin">
      <div className="page-header">
        <h1>Administration</h1>
      </div>
      <nav className="tabs" aria-label="Administration" ref={tabs}>
        {ADMIN_TABS.filter((tab) => tab.allowed(me)).map((tab) => (
          <NavLink key={tab.path} to={`/admin/${tab.path}`}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <div className="tab-panel">
        <Outlet />
      </div>
    </div>
  );
}

/** On narrow screens the tab strip scrolls sideways: keep the current tab visible. */
function useActiveTabInView(ready: boolean) {
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when the page changes or the tabs appear, to bring the current tab into view
  useEffect(() => {
    const strip = nav.current;
    const active = strip?.querySelector<HTMLElement>('a.active');
    if (!strip || !active || strip.scrollWidth <= strip.clientWidth) return;
    const box = strip.getBoundingClientRect();
    const tab = active.getBoundingClientRect();
    strip.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
  }, [pathname, ready]);
  return nav;
}

export function AdminIndex() {
  const me = useMe().data;
  const first = me ? ADMIN_TABS.find((tab) => tab.allowed(me)) : undefined;
  return first ? <Navigate to={`/admin/${first.path}`} replace /> : null;
}

/** Guard for one tab's content (direct links to a tab without the permission). */
function RequireAdmin({ permission, children }: { permission: string; children: React.ReactNode }) {
  const me = useMe().data;
  if (!hasPermission(me, permission))
    return <EmptyState title="Not allowed">You need the {permission} permission to see this page.</EmptyState>;
  return <>{children}</>;
}

/** One admin tab as a page: sets the window title, then shows `children` only with `permission`. */
export function AdminPage({ title, permission, children }: { title: string; permission: string; children: React.ReactNode }) {
  usePageTitle(title);
  return <RequireAdmin permission={permission}>{children}</RequireAdmin>;
}
