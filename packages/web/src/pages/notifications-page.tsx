import { Link } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, toQuery } from '../api/client';
import { useMe } from '../api/queries';
import { Button } from '../components/button';
import { EmptyState, ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { NotificationRow } from '../features/notifications/notification-row';
import { notificationKeys, useMarkRead } from '../features/notifications/notifications-api';
import { usePageTitle } from '../lib/use-page-title';
import { useSearchParams } from 'react-router';

/** Every notification of the signed-in user (SPEC §11), newest first; all or unread only. */
export function NotificationsPage() {
  usePageTitle('Notifications');
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('unread') === 'true';
  const markRead = useMarkRead();
  const list = useInfiniteQuery({
    queryKey: [...notificationKeys.all, 'page', unreadOnly],
    queryFn: ({ pageParam, signal }) =>
      api.get<'/me/notifications'>(`/me/notifications${toQuery({ unread: unreadOnly ? 'true' : undefined, cursor: pageParam })}`, {
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.notifications) ?? [];
  const unread = list.data?.pages[0]?.unreadCount ?? 0;
  const zone = me?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <div className="page page-notifications">
      <div className="page-header">
        <h1>Notifications</h1>
        <div className="page-header-actions">
          <Link to="/settings/notifications" className="btn btn-ghost btn-sm">
            Settings
          </Link>
          <Button size="sm" disabled={unread === 0} busy={markRead.isPending} onClick={() => markRead.mutate({ all: true })}>
            Mark all read
          </Button>
        </div>
      </div>
      <fieldset className="segmented" aria-label="Show">
        <button
          type="button"
          className={unreadOnly ? undefined : 'is-on'}
          aria-pressed={!unreadOnly}
          onClick={() => setParams({}, { replace: true })}
        >
          All
        </button>
        <button
          type="button"
          className={unreadOnly ? 'is-on' : undefined}
          aria-pressed={unreadOnly}
          onClick={() => setParams({ unread: 'true' }, { replace: true })}
        >
          Unread{unread > 0 ? ` (${unread})` : ''}
        </button>
      </fieldset>
      {list.isPending ? (
        <LoadingState />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={unreadOnly ? 'All caught up' : 'No notifications yet'}>
          You are told here when a case is assigned to you, a customer replies, someone mentions you, a waiting case wakes, or a case you
          follow moves.
        </EmptyState>
      ) : (
        <div className="panel notification-page-list">
          <ul className="notification-list" aria-label="Notifications">
            {items.map((n) => (
              <NotificationRow
                key={n.id}
                n={n}
                timeZone={zone}
                onOpen={() => {
                  if (n.readAt === null) markRead.mutate({ ids: [n.id] });
                }}
                onMarkRead={() => markRead.mutate({ ids: [n.id] })}
              />
            ))}
          </ul>
          {list.hasNextPage ? (
            <div className="load-more">
              <Button busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                Show more
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}
