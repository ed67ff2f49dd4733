import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api, toQuery } from '../api/client';
import { Button } from '../components/button';
import { EmptyState, ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { customerKeys, customerLabel, useDebounced } from '../features/customers/customers-api';
import { CustomerAvatar } from '../features/customers/customer-avatar';
import { usePageTitle } from '../lib/use-page-title';
import { PhoneLink } from '../lib/phone';

const PAGE_SIZE = 50;

/** SPEC §10 Customers: everyone the user may see (a case of theirs is visible), by name, searchable. */
export function CustomersPage() {
  usePageTitle('Customers');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 250);
  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (q) next.set('q', q);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  }, [q, setParams]);

  const list = useInfiniteQuery({
    queryKey: customerKeys.list(`page:${q}`),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/customers'>(`/customers${toQuery({ q, cursor: pageParam, limit: PAGE_SIZE })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const customers = list.data?.pages.flatMap((page) => page.customers) ?? [];

  return (
    <div className="page page-customers">
      <div className="page-header">
        <h1>Customers</h1>
      </div>
      <search className="filter-bar customers-search">
        <div className="filter-search">
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="m13 13 4 4" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <label htmlFor="customer-search" className="visually-hidden">
            Search customers
          </label>
          <input
            id="customer-search"
            type="search"
            placeholder="Search by name, email or phone"
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
      </search>
      {list.isPending ? <LoadingState label="Loading customers…" /> : null}
      {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.isSuccess && customers.length === 0 ? (
        <EmptyState title={q ? `No customer matches “${q}”` : 'No customers yet'}>
          {q ? 'Try part of a name, an email address or a phone number.' : 'Customers appear here once they have a case you can see.'}
        </EmptyState>
      ) : null}
      {customers.length ? (
        <div className="table-wrap table-stack-wrap customers-table">
          <table className="table table-stack">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Phone</th>
                <th scope="col" className="num">
                  Cases
                </th>
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <tr key={c.id}>
                  <td data-label="Name">
                    <Link to={`/customers/${c.id}`} className="customer-cell">
                      <CustomerAvatar customer={c} />
                      <span className="cell-title">{customerLabel(c)}</span>
                    </Link>
                  </td>
                  <td data-label="Email">{c.email ?? <span className="muted">—</span>}</td>
                  <td data-label="Phone">{c.phone ? <PhoneLink phone={c.phone} /> : <span className="muted">—</span>}</td>
                  <td data-label="Cases" className="num">
                    {c.caseCount}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.hasNextPage ? (
        <div className="load-more">
          <Button onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
            Load more
          </Button>
        </div>
      ) : null}
    </div>
  );
}
