import { useInfiniteQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../api/client';
import { keys, useTeams, useUserNames } from '../../api/queries';
import { Button } from '../../components/button';
import { ErrorState } from '../../components/empty-state';
import { Spinner } from '../../components/spinner';
import { formatDateTime } from '../../lib/time';
import { describeEvent } from './describe-event';

/** The case's append-only history, newest first, one readable line each. */
export function EventHistory({ caseId, timeZone }: { caseId: string; timeZone: string }) {
  const userName = useUserNames();
  const teams = useTeams();
  const history = useInfiniteQuery({
    queryKey: keys.caseEvents(caseId),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/cases/{id}/events'>(`/cases/${caseId}/events${toQuery({ cursor: pageParam })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const teamName = (id: string | null | undefined) => teams.data?.find((team) => team.id === id)?.name ?? 'another team';

  if (history.isPending) return <Spinner label="Loading history" />;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  const seen = new Set<string>();
  const events = history.data.pages
    .flatMap((page) => page.events)
    .filter((event) => {
      if (seen.has(event.id)) return false;
      seen.add(event.id);
      return true;
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));

  return (
    <>
      {events.length === 0 ? <p className="muted">No history yet.</p> : null}
      <ol className="history">
        {events.map((event) => (
          <li key={event.id}>
            <span className="history-text">{describeEvent(event, { user: userName, team: teamName })}</span>
            <time dateTime={event.createdAt}>{formatDateTime(event.createdAt, timeZone)}</time>
          </li>
        ))}
      </ol>
      {history.hasNextPage ? (
        <Button size="sm" variant="ghost" busy={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
          Show older
        </Button>
      ) : null}
    </>
  );
}
