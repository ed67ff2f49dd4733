import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, API_BASE } from '../../api/client';
import { useMe } from '../../api/queries';
import { initials } from './collaborators';

const HEARTBEAT_MS = 20_000;

/**
 * Presence for collision avoidance: tells the server this user has the case open (every 20 s)
 * and shows who else has it open; `case.viewers_changed` events refetch the list.
 */
export function CaseViewers({ caseId }: { caseId: string }) {
  const me = useMe().data;
  const client = useQueryClient();
  const key = ['case', caseId, 'viewers'];
  const viewers = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<'/cases/{id}/viewers'>(`/cases/${caseId}/viewers`, { signal }),
    retry: false,
    staleTime: HEARTBEAT_MS,
  });

  useEffect(() => {
    let stopped = false;
    const beat = () =>
      api
        .post<'/cases/{id}/viewing'>(`/cases/${caseId}/viewing`, {})
        .then((answer) => {
          if (!stopped && answer) client.setQueryData(['case', caseId, 'viewers'], answer);
        })
        .catch(() => undefined);
    void beat();
    const timer = window.setInterval(beat, HEARTBEAT_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      void fetch(`${API_BASE}/cases/${caseId}/viewing`, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(
        () => undefined,
      );
    };
  }, [caseId, client]);

  const others = (viewers.data?.viewers ?? []).filter((viewer) => viewer.userId !== me?.id);
  if (others.length === 0) return null;
  const names = others.map((viewer) => viewer.name);
  return (
    <div className="viewers" role="status">
      <span className="viewers-avatars" aria-hidden="true">
        {others.slice(0, 3).map((viewer) => (
          <span key={viewer.userId} className="avatar avatar-sm" title={viewer.name}>
            {initials(viewer.name)}
          </span>
        ))}
      </span>
      <span>
        {names.length === 1
          ? `${names[0]} is also viewing this case`
          : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are also viewing this case`}
      </span>
    </div>
  );
}
