import { useCallback } from "react";
import { Link, useSearchParams } from "react-router";
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { hasPermission, keys, useMe } from "../api/queries";
import type { CaseList } from "../api/types";
import { Button } from "../components/button";
import { CaseCard } from "../components/case-card";
import { EmptyState, ErrorState } from "../components/empty-state";
import { LoadingState } from "../components/spinner";
import { FilterBar } from "../features/cases-list/filter-bar";
import { apiQuery, hasFilters, type FilterKey } from "../features/cases-list/filters";
import { usePageTitle } from "../lib/use-page-title";

const PAGE_SIZE = 25;

/** SPEC §4 Cases list: URL-driven filters, total count, keyset "Load more". */
export function CasesListPage() {
  usePageTitle("Cases");
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const query = apiQuery(params);

  const list = useInfiniteQuery({
    queryKey: keys.caseList(query),
    queryFn: ({ pageParam, signal }) => {
      const search = new URLSearchParams(query);
      search.set("limit", String(PAGE_SIZE));
      if (pageParam) search.set("cursor", pageParam);
      return api.get<CaseList>(`/cases?${search.toString().replaceAll("%2C", ",")}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });

  const onChange = useCallback(
    (updates: Partial<Record<FilterKey, string | null>>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(updates)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const pages = list.data?.pages ?? [];
  const cases = pages.flatMap((page) => page.cases);
  const total = pages[0]?.total;

  return (
    <div className="page page-cases">
      <div className="page-header">
        <h1>Cases</h1>
        {hasPermission(me, "case.create") ? (
          <Link className="btn btn-primary" to="/cases/new">
            New case
          </Link>
        ) : null}
      </div>
      <FilterBar params={params} onChange={onChange} />
      <div className="list-summary" aria-live="polite">
        {total !== undefined ? (
          <span>
            <strong>{total}</strong> {total === 1 ? "case" : "cases"}
            {list.isFetching && !list.isFetchingNextPage ? <span className="muted"> · updating…</span> : null}
          </span>
        ) : null}
      </div>
      {list.isPending ? <LoadingState label="Loading cases…" /> : null}
      {list.isError && !list.data ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data && cases.length === 0 ? (
        <EmptyState title={hasFilters(params) ? "No cases match these filters" : "No cases yet"}>
          {hasFilters(params) ? "Try removing a filter or searching for something else." : "Cases from every channel will show up here."}
        </EmptyState>
      ) : null}
      {cases.length > 0 ? (
        <ul className="card-grid card-grid-list">
          {cases.map((item) => (
            <li key={item.id}>
              <CaseCard caseItem={item} />
            </li>
          ))}
        </ul>
      ) : null}
      {list.hasNextPage ? (
        <div className="load-more">
          <Button busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </Button>
          <span className="muted">
            Showing {cases.length} of {total}
          </span>
        </div>
      ) : null}
    </div>
  );
}
