import { useInfiniteQuery } from '@tanstack/react-query';
import { API_BASE, api, toQuery, type Answer } from '../../api/client';

export type AuditEntry = Answer<'/audit-log', 'get'>['entries'][number];

/** The page's filters as the API takes them ('' = not filtered). */
export type AuditFilters = { action: string; actorId: string; from: string; to: string; target: string };

const params = (f: AuditFilters) => ({
  action: f.action || undefined,
  actorId: f.actorId || undefined,
  from: f.from || undefined,
  to: f.to || undefined,
  target: f.target || undefined,
});

/** The log, newest first, a page of 50 at a time, read again whenever the page opens. */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit-log', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<'/audit-log'>(`/audit-log${toQuery({ ...params(filters), cursor: pageParam, limit: 50 })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Always the latest on opening the page (a change just made elsewhere in Administration shows).
    staleTime: 0,
    refetchOnMount: 'always',
  });
}

/** The CSV export's address with the same filters (the browser downloads it with the session cookie). */
export const auditExportUrl = (filters: AuditFilters) => `${API_BASE}/audit-log/export.csv${toQuery(params(filters))}`;
