import { useState } from 'react';
import { Navigate, NavLink, Outlet, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import { hasAnyAdmin, hasPermission, useMe, useOrganisation } from '../../api/queries';
import { Button } from '../../components/button';
import { ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { useToast } from '../../components/toast';
import { useLiveEvents, useLiveStatus } from '../../live/live-events';
import { TimeZoneDialog } from './time-zone-dialog';
import { useDeliveryNotices } from '../delivery/use-delivery-notices';
import { NotificationBell } from '../notifications/bell';
import { useDesktopNotifications } from '../notifications/desktop-notifications';
import { mayReply } from '@casework/domain';
import { cannedUser } from '../canned-replies/canned-api';

/** Signed-in layout: skip link, header with navigation and the user, then the page. */
export function AppShell() {
  const me = useMe();
  const mustEnrol = Boolean(me.data?.twoFactor.required && !me.data.twoFactor.enabled);
  useLiveEvents(me.isSuccess && !mustEnrol);
  useDeliveryNotices(me.data?.id);
  useDesktopNotifications(me.isSuccess);

  if (me.isPending || (me.isError && me.error instanceof ApiError && me.error.status === 401)) {
    return <LoadingState label="Loading Casework…" />;
  }
  if (mustEnrol) return <Navigate to="/two-factor/setup" replace />;
  if (me.isError) {
    return (
      <main className="page">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <Header />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function Header() {
  const me = useMe().data;
  const organisation = useOrganisation().data;
  const live = useLiveStatus();
  const [zoneOpen, setZoneOpen] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  if (!me) return null;
  const zone = me.timeZone ?? organisation?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function logout() {
    try {
      await api.post<'/auth/logout'>('/auth/logout', {}, { allowUnauthenticated: true });
    } catch (error) {
      toast.error(error);
    }
    client.clear();
    navigate('/login', { replace: true });
  }

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <NavLink to="/" className="brand" aria-label="Casework home">
          <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="var(--accent)" />
            <path d="M9 11h14v3H9zm0 6h10v3H9z" fill="#fff" />
          </svg>
          <span>Casework</span>
        </NavLink>
        <nav className="app-nav" aria-label="Main">
          <NavLink to="/" end>
            My Work
          </NavLink>
          <NavLink to="/cases" end>
            Cases
          </NavLink>
          <NavLink to="/customers">Customers</NavLink>
          <NavLink to="/reports">Reports</NavLink>
          {hasPermission(me, 'case.create') ? <NavLink to="/cases/new">New case</NavLink> : null}
          {mayReply(cannedUser(me)) ? <NavLink to="/canned-replies">Canned replies</NavLink> : null}
          <NavLink to="/macros">Macros</NavLink>
          {hasAnyAdmin(me) ? <NavLink to="/admin">Administration</NavLink> : null}
        </nav>
        <div className="app-user">
          <NotificationBell timeZone={zone} />
          <span className={`live-dot live-${live}`} title={live === 'open' ? 'Live updates on' : 'Reconnecting live updates…'}>
            <span className="visually-hidden">{live === 'open' ? 'Live updates on' : 'Live updates reconnecting'}</span>
          </span>
          <div className="app-user-text">
            <span className="app-user-name">{me.name}</span>
            <button
              type="button"
              className="link-btn app-user-zone"
              onClick={() => setZoneOpen(true)}
              aria-label={`Time zone: ${zone}. Change time zone`}
            >
              {zone}
            </button>
          </div>
          <NavLink to="/account/security" className="btn btn-ghost btn-sm">
            Security
          </NavLink>
          <Button size="sm" variant="ghost" onClick={() => void logout()}>
            Sign out
          </Button>
        </div>
      </div>
      {zoneOpen ? (
        <TimeZoneDialog
          current={me.ownTimeZone !== undefined ? me.ownTimeZone : me.timeZone}
          fallback={organisation?.timeZone ?? null}
          onClose={() => setZoneOpen(false)}
        />
      ) : null}
    </header>
  );
}
