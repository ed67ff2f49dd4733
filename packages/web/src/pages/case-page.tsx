import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import { keys, useTimeZone } from '../api/queries';
import { Button } from '../components/button';
import { ChannelIcon } from '../components/channel-icon';
import { EmptyState, ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { StatusChip } from '../components/status-chip';
import { useCaseActions } from '../features/case-actions/case-actions-provider';
import { offersMacros } from '../features/case-actions/case-actions-menu';
import { CaseDetails, CustomerDetails } from '../features/case/case-details';
import { CustomerOtherCases } from '../features/customers/customer-other-cases';
import { Collaborators } from '../features/case/collaborators';
import { CaseViewers } from '../features/case/case-viewers';
import { Conversation } from '../features/case/conversation';
import { CustomerTyping } from '../features/case/chat-typing';
import { EventHistory } from '../features/case/event-history';
import { ReplyBox, type ReplyBoxHandle } from '../features/case/reply-box';
import { ShortcutsButton, ShortcutsDialog, type Shortcut } from '../components/shortcuts-dialog';
import { usePageKeys } from '../lib/page-keys';
import type { Case } from '../api/types';
import { CaseFieldsPanel } from '../features/case-fields/case-fields-panel';
import { canEditCase } from '../features/case-data/case-data-api';
import { ChangeCustomerDialog, EditCaseDialog } from '../features/case-data/case-edit-dialogs';
import { CaseProperties } from '../features/case-data/case-properties';
import { PriorityBadge } from '../features/case-data/priority-badge';
import { SlaBadge } from '../features/sla/sla-badge';
import { useCollision } from '../features/case/use-collision';
import { ACTION_LABELS, menuActions } from '../lib/labels';
import { usePageTitle } from '../lib/use-page-title';

/** SPEC §4 case page: details, conversation, reply, history, collaborators, every allowed action. */
export function CasePage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const timeZone = useTimeZone();
  const client = useQueryClient();
  const { perform, chooseMacro } = useCaseActions();
  const collision = useCollision(id);
  const [editing, setEditing] = useState<'case' | 'customer' | null>(null);
  const query = useQuery({
    queryKey: keys.case(id),
    queryFn: ({ signal }) => api.get<'/cases/{id}'>(`/cases/${encodeURIComponent(id)}`, { signal }),
  });
  const caseItem = query.data;
  usePageTitle(caseItem ? `${caseItem.reference} · ${caseItem.subject}` : 'Case');
  const navigate = useNavigate();
  const reply = useRef<ReplyBoxHandle>(null);
  const [help, setHelp] = useState(false);
  const allowed = (action: Case['actions'][number]) => (caseItem?.actions.includes(action) ? caseItem : undefined);
  const messageable = allowed('message');
  const waitable = allowed('set_waiting');
  const resolvable = allowed('resolve');
  usePageKeys({
    r: messageable && (() => reply.current?.start('reply')),
    n: messageable && (() => reply.current?.start('note')),
    w: waitable && (() => perform(waitable, 'set_waiting')),
    e: resolvable && (() => perform(resolvable, 'resolve')),
    m: caseItem && offersMacros(caseItem) ? () => chooseMacro(caseItem) : undefined,
    esc: () => (location.key === 'default' ? navigate('/cases') : navigate(-1)),
    '?': () => setHelp(true),
  });

  useEffect(() => {
    if (location.hash === '#reply' && caseItem) document.getElementById('reply')?.querySelector('textarea')?.focus();
  }, [location.hash, caseItem]);

  if (query.isPending) return <LoadingState label="Loading case…" />;
  if (query.isError) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        {missing ? (
          <EmptyState title="Case not found">
            It does not exist or you do not have access to it. <Link to="/cases">Back to cases</Link>
          </EmptyState>
        ) : (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        )}
      </div>
    );
  }
  if (!caseItem) return null;
  const actions = menuActions(caseItem.actions);
  const editable = canEditCase(caseItem);
  const refresh = () => {
    collision.acknowledge();
    void client.invalidateQueries({ queryKey: keys.case(id) });
  };

  return (
    <div className="page page-case">
      <div className="case-topline">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <Link to="/cases">Cases</Link> <span aria-hidden="true">/</span> <span>{caseItem.reference}</span>
        </nav>
        <ShortcutsButton onClick={() => setHelp(true)} />
      </div>
      <header className="case-header">
        <div className="case-header-text">
          <div className="case-header-meta">
            <ChannelIcon type={caseItem.type} withLabel />
            <span className="case-ref">{caseItem.reference}</span>
            <StatusChip status={caseItem.status} />
            <PriorityBadge priority={caseItem.priority} />
            <SlaBadge caseItem={caseItem} />
          </div>
          <div className="case-title">
            <h1>{caseItem.subject || '(no subject)'}</h1>
            {editable ? (
              <Button size="sm" variant="ghost" className="case-edit-btn" onClick={() => setEditing('case')}>
                <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                  <path d="M10.5 2.5l3 3L5.5 13.5H2.5v-3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
                </svg>
                Edit case
              </Button>
            ) : null}
          </div>
          <CaseViewers caseId={caseItem.id} />
        </div>
        <fieldset className="case-actions" aria-label="Case actions">
          {actions.map((action) => (
            <Button
              key={action}
              size="sm"
              variant={action === 'claim' || action === 'not_spam' ? 'primary' : action === 'cancel' ? 'danger' : 'secondary'}
              onClick={() => perform(caseItem, action)}
            >
              {ACTION_LABELS[action]}
            </Button>
          ))}
          {offersMacros(caseItem) ? (
            <Button size="sm" onClick={() => chooseMacro(caseItem)} aria-keyshortcuts="m">
              Apply macro…
            </Button>
          ) : null}
        </fieldset>
      </header>
      {caseItem.status === 'spam' ? (
        <div className="banner banner-spam" role="status">
          <span>
            <strong>Marked as spam.</strong> It is hidden from lists, queues and My Work, nobody is asked to answer it, and it is deleted
            after the organisation’s spam retention period{caseItem.actions.includes('not_spam') ? ' unless you choose “Not spam”' : ''}.
          </span>
        </div>
      ) : null}
      {collision.changed ? (
        <div className="banner banner-warning" role="status">
          <span>
            <strong>This case changed since you opened it.</strong> The page shows the latest; check it before replying.
          </span>
          <Button size="sm" onClick={refresh}>
            Got it
          </Button>
        </div>
      ) : null}
      <div className="case-layout">
        <div className="case-main">
          {caseItem.description ? (
            <section className="panel" aria-labelledby="description-title">
              <h2 id="description-title">Description</h2>
              <p className="description">{caseItem.description}</p>
            </section>
          ) : null}
          <section className="panel" aria-labelledby="conversation-title">
            <h2 id="conversation-title">Conversation</h2>
            <Conversation caseItem={caseItem} timeZone={timeZone} />
            <CustomerTyping caseItem={caseItem} />
            {caseItem.actions.includes('message') ? (
              <ReplyBox
                handle={reply}
                caseItem={caseItem}
                changed={collision.changed}
                onSent={collision.acknowledge}
                markOwn={collision.markOwn}
              />
            ) : (
              <p className="muted reply-disabled">You cannot reply on this case.</p>
            )}
          </section>
        </div>
        <aside className="case-side" aria-label="Case information">
          <section className="panel" aria-labelledby="details-title">
            <h2 id="details-title">Details</h2>
            <CaseProperties caseItem={caseItem} markOwn={collision.markOwn} />
            <CaseDetails caseItem={caseItem} timeZone={timeZone} />
          </section>
          <CaseFieldsPanel caseItem={caseItem} markOwn={collision.markOwn} />
          <section className="panel" aria-labelledby="customer-title">
            <div className="panel-heading">
              <h2 id="customer-title">Customer</h2>
              {editable ? (
                <Button size="sm" variant="ghost" onClick={() => setEditing('customer')}>
                  Change customer
                </Button>
              ) : null}
            </div>
            <CustomerDetails caseItem={caseItem} />
            <CustomerOtherCases caseItem={caseItem} />
          </section>
          <section className="panel" aria-labelledby="collaborators-title">
            <h2 id="collaborators-title">Collaborators</h2>
            <Collaborators caseItem={caseItem} markOwn={collision.markOwn} />
          </section>
          <section className="panel" aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            <EventHistory caseId={caseItem.id} timeZone={timeZone} />
          </section>
        </aside>
      </div>
      {editing === 'case' ? <EditCaseDialog caseItem={caseItem} markOwn={collision.markOwn} onClose={() => setEditing(null)} /> : null}
      {editing === 'customer' ? (
        <ChangeCustomerDialog caseItem={caseItem} markOwn={collision.markOwn} onClose={() => setEditing(null)} />
      ) : null}
      {help ? <ShortcutsDialog shortcuts={caseShortcuts(caseItem)} onClose={() => setHelp(false)} /> : null}
    </div>
  );
}

/** The case page's keys for the `?` overlay: only those the user may use on this case now. */
function caseShortcuts(caseItem: Case): Shortcut[] {
  const can = (action: Case['actions'][number]) => caseItem.actions.includes(action);
  return [
    ...(can('message')
      ? ([
          ['r', 'Write a reply to the customer'],
          ['n', 'Write an internal note'],
          ['/', 'In the reply box, at the start of a line: insert a canned reply'],
        ] as Shortcut[])
      : []),
    ...(can('set_waiting') ? ([['w', 'Set the case to waiting']] as Shortcut[]) : []),
    ...(can('resolve') ? ([['e', 'Resolve the case']] as Shortcut[]) : []),
    ...(offersMacros(caseItem) ? ([['m', 'Apply a macro']] as Shortcut[]) : []),
    ['Esc', 'Back to the list'],
    ['?', 'Show this help'],
  ];
}
