import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, ApiError, toQuery } from '../api/client';
import { hasPermission, useMe, useTimeZone } from '../api/queries';
import { Button } from '../components/button';
import { ChannelIcon } from '../components/channel-icon';
import { EmptyState, ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { StatusChip } from '../components/status-chip';
import { EditCustomerDialog, MergeCustomerDialog } from '../features/customers/customer-dialogs';
import { customerKeys, customerLabel } from '../features/customers/customers-api';
import { CustomerAvatar } from '../features/customers/customer-avatar';
import { formatWhen } from '../lib/time';
import { usePageTitle } from '../lib/use-page-title';
import { formatPhone, PhoneLink } from '../lib/phone';

const CASES_PAGE = 25;

/** SPEC §10 customer profile: contact details, their cases the user may see (newest first), edit and merge. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const me = useMe().data;
  const timeZone = useTimeZone();
  const [dialog, setDialog] = useState<'edit' | 'merge' | null>(null);
  const query = useInfiniteQuery({
    queryKey: customerKeys.profile(id, 'pages'),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/customers/{id}'>(`/customers/${encodeURIComponent(id)}${toQuery({ casesCursor: pageParam, casesLimit: CASES_PAGE })}`, {
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.casesNextCursor ?? undefined,
    retry: false,
  });
  const customer = query.data?.pages[0];
  usePageTitle(customer ? customerLabel(customer) : 'Customer');

  if (query.isPending) return <LoadingState label="Loading customer…" />;
  if (query.isError || !customer) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        {missing ? (
          <EmptyState title="Customer not found">
            They do not exist, were merged into another customer, or none of their cases is yours to see.{' '}
            <Link to="/customers">Back to customers</Link>
          </EmptyState>
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )}
      </div>
    );
  }
  const cases = query.data.pages.flatMap((page) => page.cases);
  const openCount = cases.filter((c) => c.status === 'new' || c.status === 'ready' || c.status === 'waiting').length;

  return (
    <div className="page page-customer">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/customers">Customers</Link> <span aria-hidden="true">/</span> <span>{customerLabel(customer)}</span>
      </nav>
      <header className="customer-header">
        <CustomerAvatar customer={customer} large />
        <div className="customer-header-text">
          <h1>{customerLabel(customer)}</h1>
          <p className="muted">
            {customer.caseCount} case{customer.caseCount === 1 ? '' : 's'}
            {openCount ? ` · ${openCount} open` : ''} · customer since{' '}
            {new Date(customer.createdAt).toLocaleDateString('en', { timeZone, day: 'numeric', month: 'short', year: 'numeric' })}
          </p>
        </div>
        <fieldset className="case-actions" aria-label="Customer actions">
          {hasPermission(me, 'customer.edit') ? (
            <Button size="sm" onClick={() => setDialog('edit')}>
              Edit
            </Button>
          ) : null}
          {hasPermission(me, 'customer.merge') ? (
            <Button size="sm" onClick={() => setDialog('merge')}>
              Merge…
            </Button>
          ) : null}
        </fieldset>
      </header>
      <div className="case-layout">
        <section className="panel case-main" aria-labelledby="customer-cases-title">
          <h2 id="customer-cases-title">Cases</h2>
          {cases.length === 0 ? <p className="muted">No cases you can see.</p> : null}
          <ul className="customer-cases">
            {cases.map((c) => (
              <li key={c.id}>
                <Link to={`/cases/${c.id}`} className="customer-case">
                  <span className="customer-case-top">
                    <ChannelIcon type={c.type} />
                    <span className="case-ref">{c.reference}</span>
                    <span className="customer-case-subject">{c.subject}</span>
                  </span>
                  <span className="customer-case-meta">
                    <StatusChip status={c.status} />
                    <span className="muted">
                      {c.teamName} · {c.ownerName ?? 'Unassigned'} · {formatWhen(c.createdAt, timeZone)}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {query.hasNextPage ? (
            <div className="load-more">
              <Button busy={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : null}
        </section>
        <aside className="case-side" aria-label="Customer information">
          <section className="panel" aria-labelledby="contact-title">
            <h2 id="contact-title">Contact</h2>
            <dl className="details">
              <div className="details-row">
                <dt>Name</dt>
                <dd>{customer.name ?? <span className="muted">—</span>}</dd>
              </div>
              <div className="details-row">
                <dt>Email</dt>
                <dd>{customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : <span className="muted">—</span>}</dd>
              </div>
              <div className="details-row">
                <dt>Phone</dt>
                <dd>{customer.phone ? <PhoneLink phone={customer.phone} /> : <span className="muted">—</span>}</dd>
              </div>
            </dl>
          </section>
          {customer.mergedIdentities.length ? (
            <section className="panel" aria-labelledby="merged-title">
              <h2 id="merged-title">Also reached at</h2>
              <ul className="merged-list">
                {customer.mergedIdentities.map((m) => (
                  <li key={`${m.name}|${m.email}|${m.phone}`}>
                    {[m.name, m.email, m.phone ? formatPhone(m.phone) : null].filter(Boolean).join(' · ')}
                  </li>
                ))}
              </ul>
              <p className="muted">Customers merged into this one: messages from these addresses arrive here.</p>
            </section>
          ) : null}
        </aside>
      </div>
      {dialog === 'edit' ? <EditCustomerDialog customer={customer} onClose={() => setDialog(null)} /> : null}
      {dialog === 'merge' ? <MergeCustomerDialog customer={customer} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
