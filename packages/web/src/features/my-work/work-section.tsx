import { useEffect, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, toQuery } from '../../api/client';
import { keys } from '../../api/queries';
import type { Case, WorkSection as Section } from '../../api/types';
import { Button } from '../../components/button';
import { CaseCard } from '../../components/case-card';
import { resolutionLabel } from '../../lib/resolution';
import { formatWhen } from '../../lib/time';
import { SECTIONS } from '@casework/domain';
import { sectionEmpty } from '../../lib/labels';
import { useNow } from '../../lib/use-now';

type Props = { section: Section; timeZone: string; canClaim: boolean; onToggle: (key: Section['key'], collapsed: boolean) => void };

/**
 * One My Work section. The first page comes with GET /me/work; "Load more" switches to a
 * paged query of the section that react-query refetches page by page on live events.
 */
export function WorkSection({ section, timeZone, canClaim, onToggle }: Props) {
  const [pagesWanted, setPagesWanted] = useState(1);
  const paged = useInfiniteQuery({
    queryKey: keys.workSection(section.key),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/me/work/sections/{key}'>(`/me/work/sections/${section.key}${toQuery({ cursor: pageParam })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: pagesWanted > 1,
  });

  useEffect(() => {
    const loaded = paged.data?.pages.length ?? 0;
    if (pagesWanted > 1 && loaded > 0 && loaded < pagesWanted && paged.hasNextPage && !paged.isFetching) {
      void paged.fetchNextPage();
    }
  }, [pagesWanted, paged]);

  const usePaged = pagesWanted > 1 && paged.data !== undefined;
  const cases = usePaged ? dedupe(paged.data.pages.flatMap((page) => page.cases)) : section.cases;
  const hasMore = usePaged ? paged.hasNextPage : section.nextCursor !== null;
  const count = section.count;
  const collapsed = section.collapsed;
  const title = section.title || SECTIONS.find((s) => s.key === section.key)?.title;
  const bodyId = `section-${section.key}`;
  const loadingMore = pagesWanted > 1 && (paged.isFetching || (paged.data?.pages.length ?? 0) < pagesWanted) && hasMore !== false;

  return (
    <section className={`work-section${collapsed ? ' is-collapsed' : ''}`} aria-labelledby={`${bodyId}-heading`}>
      <h2 className="work-section-heading" id={`${bodyId}-heading`}>
        <button type="button" aria-expanded={!collapsed} aria-controls={bodyId} onClick={() => onToggle(section.key, !collapsed)}>
          <svg className="chevron" viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="M7 5l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <span>{title}</span>
          <span className="count-badge" aria-hidden="true">
            {count}
          </span>
          <span className="visually-hidden">{count} cases</span>
        </button>
      </h2>
      <div id={bodyId} className="work-section-body" hidden={collapsed}>
        {cases.length === 0 ? (
          <p className="section-empty">{sectionEmpty(section.key, canClaim)}</p>
        ) : (
          <ul className="card-grid">
            {cases.map((item) => (
              <li key={item.id}>
                <CaseCard caseItem={item} extra={<CardExtra caseItem={item} sectionKey={section.key} timeZone={timeZone} />} />
              </li>
            ))}
          </ul>
        )}
        {paged.isError ? <p className="field-error">More cases could not be loaded.</p> : null}
        {hasMore ? (
          <div className="load-more">
            <Button
              size="sm"
              busy={loadingMore}
              onClick={() => setPagesWanted((value) => Math.max(value, paged.data?.pages.length ?? 1) + 1)}
            >
              Load more
            </Button>
            <span className="muted">
              Showing {cases.length} of {count}
            </span>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function dedupe(cases: Case[]): Case[] {
  const seen = new Set<string>();
  return cases.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}

function CardExtra({ caseItem, sectionKey, timeZone }: { caseItem: Case; sectionKey: Section['key']; timeZone: string }) {
  const now = useNow();
  if (sectionKey === 'waiting') {
    return caseItem.wakeAt ? (
      <span className="wake">
        <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
          <circle cx="8" cy="9" r="5.5" />
          <path d="M8 6.5V9l1.6 1.2M3 2.5l-1.5 1.5M13 2.5l1.5 1.5" strokeLinecap="round" />
        </svg>
        Wakes {formatWhen(caseItem.wakeAt, timeZone, now)}
      </span>
    ) : (
      <span className="muted">No wake time: waits for the customer</span>
    );
  }
  if (sectionKey === 'solved_today' && caseItem.resolvedAt) {
    return (
      <span className="muted">
        Resolved {formatWhen(caseItem.resolvedAt, timeZone, now)}
        {resolutionLabel(caseItem) ? ` · ${resolutionLabel(caseItem)}` : ''}
      </span>
    );
  }
  return null;
}
