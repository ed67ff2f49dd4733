import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { NotificationType } from '@casework/domain';
import { api, type Answer } from '../../api/client';

export type NotificationList = Answer<'/me/notifications', 'get'>;
export type NotificationItem = NotificationList['notifications'][number];
export type NotificationSettingsData = Answer<'/me/notification-settings', 'get'>;

export const notificationKeys = {
  all: ['notifications'] as const,
  bell: ['notifications', 'bell'] as const,
  settings: ['notification-settings'] as const,
};

/** What each type is about, as the bell and the settings name it. */
export const NOTIFICATION_TYPE_LABELS: Record<NotificationType, { title: string; hint: string }> = {
  'case.assigned': { title: 'Assigned to me', hint: 'Someone else gives you a case' },
  'case.customer_replied': { title: 'Customer replied', hint: 'A customer writes on a case you own' },
  'case.mentioned': { title: 'Mentioned', hint: 'Someone names you in an internal note' },
  'case.woke': { title: 'Case woke up', hint: 'A waiting case of yours is due again' },
  'case.follow_activity': { title: 'Followed cases', hint: 'Status changes and new messages on cases you follow' },
  'case.sla_breached': {
    title: 'SLA breached',
    hint: "A case you own or follow (or your team's unowned case, for supervisors) missed a service-level target",
  },
};

/** The latest notifications and the unread count (the bell; refetched on live notification events). */
export function useBell(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.bell,
    queryFn: () => api.get<'/me/notifications'>('/me/notifications'),
    enabled,
    staleTime: 30_000,
  });
}

export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (which: { ids: string[] } | { all: true }) => api.post<'/me/notifications/read'>('/me/notifications/read', which),
    onSuccess: () => void client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: notificationKeys.settings,
    queryFn: () => api.get<'/me/notification-settings'>('/me/notification-settings'),
  });
}
