import type { RouteModule } from './route-types.ts';
import { authRoutes } from './auth.routes.ts';
import { accountRoutes } from './accounts.routes.ts';
import { invitationRoutes } from './invitations.routes.ts';
import { twoFactorRoutes } from './two-factor.routes.ts';
import { ssoRoutes } from './sso.routes.ts';
import { caseRoutes } from './cases.routes.ts';
import { caseActionRoutes } from './case-actions.routes.ts';
import { messageRoutes } from './messages.routes.ts';
import { attachmentRoutes } from './attachments.routes.ts';
import { myWorkRoutes } from './my-work.routes.ts';
import { systemRoutes } from './system.routes.ts';
import { liveRoutes } from './live.routes.ts';
import { presenceRoutes } from './presence.routes.ts';
import { adminTeamRoutes } from './admin-teams.routes.ts';
import { adminUserRoutes } from './admin-users.routes.ts';
import { adminRoleRoutes } from './admin-roles.routes.ts';
import { tokenRoutes } from './tokens.routes.ts';
import { organisationRoutes } from './organisation.routes.ts';
import { importRoutes } from './import.routes.ts';
import { channelRoutes } from './channels.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { providerWebhookRoutes } from './provider-webhooks.routes.ts';
import { chatRoutes } from './chat.routes.ts';
import { widgetRoutes } from './widget.routes.ts';
import { caseChannelRoutes } from './case-channel.routes.ts';
import { demoRoutes } from './demo.routes.ts';
import { viewRoutes } from './views.routes.ts';
import { bulkRoutes } from './bulk.routes.ts';
import { caseFieldRoutes } from './case-fields.routes.ts';
import { customerRoutes } from './customers.routes.ts';
import { reportRoutes } from './reports.routes.ts';
import { caseExportRoutes } from './case-export.routes.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { caseEditRoutes } from './case-edit.routes.ts';
import { cannedReplyRoutes } from './canned-replies.routes.ts';
import { macroRoutes } from './macros.routes.ts';
import { slaRoutes } from './sla.routes.ts';
import { emailConversationRoutes } from './email-conversations.routes.ts';
import { surveyRoutes } from './survey.routes.ts';
import { auditLogRoutes } from './audit-log.routes.ts';
import { blocklistRoutes } from './blocklist.routes.ts';

/** Every route module, registered in this order. */
export const ROUTE_MODULES: RouteModule[] = [
  systemRoutes,
  authRoutes,
  accountRoutes,
  myWorkRoutes,
  caseRoutes,
  emailConversationRoutes,
  caseActionRoutes,
  caseEditRoutes,
  viewRoutes,
  bulkRoutes,
  messageRoutes,
  attachmentRoutes,
  liveRoutes,
  presenceRoutes,
  adminTeamRoutes,
  adminUserRoutes,
  invitationRoutes,
  twoFactorRoutes,
  ssoRoutes,
  adminRoleRoutes,
  tokenRoutes,
  organisationRoutes,
  importRoutes,
  caseFieldRoutes,
  channelRoutes,
  webhookRoutes,
  blocklistRoutes,
  providerWebhookRoutes,
  chatRoutes,
  widgetRoutes,
  caseChannelRoutes,
  demoRoutes,
  customerRoutes,
  reportRoutes,
  caseExportRoutes,
  notificationRoutes,
  cannedReplyRoutes,
  macroRoutes,
  slaRoutes,
  surveyRoutes,
  auditLogRoutes,
];
