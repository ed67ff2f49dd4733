/** Cases list filters live in the URL; names map 1:1 to GET /api/v1/cases query parameters. */
const FILTER_KEYS = [
  'status',
  'priority',
  'teamId',
  'ownerId',
  'type',
  'createdFrom',
  'createdTo',
  'following',
  'sla',
  'q',
  'sort',
] as const;
/** `tag` may repeat (SPEC §10: every given tag must be on the case). */
const TAG_KEY = 'tag';
export type FilterKey = (typeof FILTER_KEYS)[number] | typeof TAG_KEY | FieldFilterKey;
/** A custom field filter, `field.<key>=value` (GET /cases checks the value by the field's type). */
export type FieldFilterKey = `field.${string}`;
export const isFieldFilter = (key: string): key is FieldFilterKey => key.startsWith('field.');

/** The custom field filters in the URL, in a stable order. */
export function fieldFilters(params: URLSearchParams): [FieldFilterKey, string][] {
  return [...params.entries()]
    .filter((e): e is [FieldFilterKey, string] => isFieldFilter(e[0]) && e[1] !== '')
    .sort(([a], [b]) => a.localeCompare(b));
}

/** The tag filters in the URL, each once, in the order given. */
export function tagFilters(params: URLSearchParams): string[] {
  return [...new Set(params.getAll(TAG_KEY).filter(Boolean))];
}

export function listParam(params: URLSearchParams, key: (typeof FILTER_KEYS)[number]): string[] {
  return (params.get(key) ?? '').split(',').filter(Boolean);
}

/** The API query string for the current URL (only known filters, in a stable order): the list's and saved views' one form. */
export function apiQuery(params: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) out.set(key, value);
  }
  for (const tag of tagFilters(params)) out.append(TAG_KEY, tag);
  for (const [key, value] of fieldFilters(params)) out.set(key, value);
  return out.toString().replaceAll('%2C', ',');
}

export function hasFilters(params: URLSearchParams): boolean {
  return FILTER_KEYS.some((key) => key !== 'sort' && params.get(key)) || tagFilters(params).length > 0 || fieldFilters(params).length > 0;
}
