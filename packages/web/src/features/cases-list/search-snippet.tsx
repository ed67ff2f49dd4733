import type { ReactNode } from 'react';
import type { CaseList } from '../../api/types';

/** Where a listed case matched the search (the server's plain text and ranges). */
export type SearchMatch = NonNullable<CaseList['cases'][number]['match']>;

const WHERE: Record<SearchMatch['in'], string> = {
  message: 'Message',
  note: 'Internal note',
  subject: 'Subject',
  description: 'Description',
  reference: 'Reference',
  customer: 'Customer',
};

/**
 * The snippet's text with the matching words in <mark>. The text is never parsed as markup:
 * React escapes every piece, and the highlights are ranges, so nothing in a message can style
 * or script the page.
 */
function highlighted(match: Pick<SearchMatch, 'snippet' | 'highlights'>): ReactNode[] {
  const { snippet } = match;
  const parts: ReactNode[] = [];
  let at = 0;
  const ranges = [...match.highlights].sort((a, b) => a.start - b.start);
  for (const h of ranges) {
    const end = Math.min(h.start + h.length, snippet.length);
    if (h.start < at || h.start >= end) continue;
    if (h.start > at) parts.push(snippet.slice(at, h.start));
    parts.push(<mark key={h.start}>{snippet.slice(h.start, end)}</mark>);
    at = end;
  }
  if (at < snippet.length) parts.push(snippet.slice(at));
  return parts;
}

/** One line under a listed case: where the search matched, and the words around it. */
export function SearchSnippet({ match }: { match: SearchMatch }) {
  return (
    <p className={`search-snippet${match.in === 'note' ? ' is-note' : ''}`} data-search-snippet="">
      <span className="search-snippet-where">{WHERE[match.in]}:</span> <span className="search-snippet-text">{highlighted(match)}</span>
    </p>
  );
}
