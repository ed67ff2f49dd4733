import { useQuery } from '@tanstack/react-query';
import { api, type Answer, type Body } from '../../api/client';
import { keys } from '../../api/queries';
import { apiQuery } from '../cases-list/filters';

export type SavedView = Answer<'/views', 'get'>['views'][number];
export type ViewFilters = Body<'/views', 'post'>['filters'];

/** The user's saved views with their counts: one request for all of them (live events refresh it, see live-events.ts). */
export function useViews() {
  return useQuery({
    queryKey: keys.views,
    queryFn: async () => (await api.get<'/views'>('/views?counts=true')).views,
    staleTime: 30_000,
  });
}

/** A view's filters as the Cases list's query string (stable order, as the list compares them). */
export function viewQuery(view: Pick<SavedView, 'filters'>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(view.filters as Record<string, unknown>)) {
    for (const one of [value].flat()) if (typeof one === 'string' && one) search.append(key, one);
  }
  return apiQuery(search);
}

/** The list's URL for a view: its filters plus which view it is. */
export function viewHref(view: SavedView): string {
  const query = viewQuery(view);
  return `/cases?view=${encodeURIComponent(view.id)}${query ? `&${query}` : ''}`;
}

/** List filters that may repeat (SPEC §10: `tag`, all must match): a view keeps them as a list. */
const REPEATABLE = new Set(['tag']);

/** The current filters as a view's `filters` object. */
export function filtersOf(query: string): ViewFilters {
  const search = new URLSearchParams(query);
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) out[key] = REPEATABLE.has(key) ? search.getAll(key) : (search.get(key) ?? '');
  // The body's type is the server's filter schema; repeatable keys are lists there.
  return out as ViewFilters;
}

/** "12", "1,000+" (an organisation-wide count stops there) or "–" (the view's filters no longer apply). */
export function countText(view: SavedView): string {
  if (view.count === undefined || view.count === null) return '–';
  return `${view.count.toLocaleString('en-US')}${view.countCapped ? '+' : ''}`;
}
