import { useEffect } from 'react';
import { Navigate, Route, Routes, useNavigate } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { ToastProvider } from './components/toast';
import { CaseActionsProvider } from './features/case-actions/case-actions-provider';
import { AppShell } from './features/shell/app-shell';
import { AdminLayout, AdminIndex } from './pages/admin/admin-layout';
import { AuditLogPage } from './pages/admin/audit-log-page';
import { BlocklistPage } from './pages/admin/blocklist-page';
import { ChannelsPage } from './pages/admin/channels-page';
import { FieldsPage } from './pages/admin/fields-page';
import { ServiceLevelsPage } from './pages/admin/service-levels-page';
import { OrganisationPage } from './pages/admin/organisation-page';
import { RolesPage } from './pages/admin/roles-page';
import { SsoPage } from './pages/admin/sso-page';
import { TeamsPage } from './pages/admin/teams-page';
import { TokensPage } from './pages/admin/tokens-page';
import { UsersPage } from './pages/admin/users-page';
import { WebhookDeliveriesPage } from './pages/admin/webhook-deliveries-page';
import { WebhooksPage } from './pages/admin/webhooks-page';
import { CasePage } from './pages/case-page';
import { CasesListPage } from './pages/cases-list-page';
import { CustomerPage } from './pages/customer-page';
import { CannedRepliesPage } from './pages/canned-replies-page';
import { MacrosPage } from './pages/macros-page';
import { CustomersPage } from './pages/customers-page';
import { LoginPage } from './pages/login-page';
import { ForgotPasswordPage } from './pages/forgot-password-page';
import { ResetPasswordPage } from './pages/reset-password-page';
import { InvitationPage } from './pages/invitation-page';
import { TwoFactorEnrolPage } from './pages/two-factor-enrol-page';
import { SecurityPage } from './pages/security-page';
import { MyWorkPage } from './pages/my-work-page';
import { NewCasePage } from './pages/new-case-page';
import { NotFoundPage } from './pages/not-found-page';
import { ReportsPage } from './pages/reports-page';
import { NotificationSettingsPage } from './pages/notification-settings-page';
import { NotificationsPage } from './pages/notifications-page';

/** Sends the user to the login page when the session ends, remembering where they were. */
function UnauthorizedRedirect() {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      const { pathname, search, hash } = window.location;
      if (['/login', '/forgot-password', '/reset-password', '/invitation'].some((p) => pathname.startsWith(p))) return;
      navigate(`/login?next=${encodeURIComponent(pathname + search + hash)}`, { replace: true });
    });
  }, [navigate]);
  return null;
}

export function App() {
  return (
    <ToastProvider>
      <UnauthorizedRedirect />
      <CaseActionsProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/forgot-password" element={<ForgotPasswordPage />} />
          <Route path="/reset-password" element={<ResetPasswordPage />} />
          <Route path="/invitation" element={<InvitationPage />} />
          <Route path="/two-factor/setup" element={<TwoFactorEnrolPage />} />
          <Route element={<AppShell />}>
            <Route index element={<MyWorkPage />} />
            <Route path="cases" element={<CasesListPage />} />
            <Route path="cases/new" element={<NewCasePage />} />
            <Route path="cases/:id" element={<CasePage />} />
            <Route path="customers" element={<CustomersPage />} />
            <Route path="account/security" element={<SecurityPage />} />
            <Route path="customers/:id" element={<CustomerPage />} />
            <Route path="reports" element={<ReportsPage />} />
            <Route path="notifications" element={<NotificationsPage />} />
            <Route path="settings/notifications" element={<NotificationSettingsPage />} />
            <Route path="canned-replies" element={<CannedRepliesPage />} />
            <Route path="macros" element={<MacrosPage />} />
            <Route path="admin" element={<AdminLayout />}>
              <Route index element={<AdminIndex />} />
              <Route path="users" element={<UsersPage />} />
              <Route path="teams" element={<TeamsPage />} />
              <Route path="fields" element={<FieldsPage />} />
              <Route path="service-levels" element={<ServiceLevelsPage />} />
              <Route path="roles" element={<RolesPage />} />
              <Route path="channels" element={<ChannelsPage />} />
              <Route path="webhooks" element={<WebhooksPage />} />
              <Route path="webhooks/:id" element={<WebhookDeliveriesPage />} />
              <Route path="blocklist" element={<BlocklistPage />} />
              <Route path="tokens" element={<TokensPage />} />
              <Route path="organisation" element={<OrganisationPage />} />
              <Route path="sso" element={<SsoPage />} />
              <Route path="audit-log" element={<AuditLogPage />} />
            </Route>
            <Route path="my-work" element={<Navigate to="/" replace />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </CaseActionsProvider>
    </ToastProvider>
  );
}
