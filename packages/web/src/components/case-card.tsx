import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Case } from '../api/types';
import { CaseActionsMenu } from '../features/case-actions/case-actions-menu';
import { PriorityBadge } from '../features/case-data/priority-badge';
import { TagList } from '../features/case-data/tag-list';
import { SlaBadge } from '../features/sla/sla-badge';
import { AgeBadge } from './age-badge';
import { ChannelIcon } from './channel-icon';
import { CustomerRepliedMark, LastMessageLine } from './last-message';
import { StatusChip } from './status-chip';
import { formatPhone } from '../lib/phone';

type CaseCardProps = {
  caseItem: Case;
  /** An extra line under the meta row (e.g. the wake time). */
  extra?: ReactNode;
  /** Leading content, e.g. a selection checkbox. */
  leading?: ReactNode;
  /** The title's heading level: one below the heading the card sits under (no skipped levels). */
  headingLevel?: 2 | 3;
};

/** A case at a glance (priority unless normal, tags). The whole card links to the case; the menu sits above the link. */
export function CaseCard({ caseItem, extra, leading, headingLevel = 3 }: CaseCardProps) {
  const Title = headingLevel === 2 ? 'h2' : 'h3';
  const customer =
    caseItem.customer?.name ||
    caseItem.customer?.email ||
    (caseItem.customer?.phone ? formatPhone(caseItem.customer.phone) : null) ||
    'Unknown customer';
  return (
    <article className={`case-card status-${caseItem.status}`} aria-labelledby={`case-${caseItem.id}-title`}>
      {leading ? <div className="case-card-leading">{leading}</div> : null}
      <div className="case-card-main">
        <div className="case-card-top">
          <ChannelIcon type={caseItem.type} />
          <span className="case-ref">{caseItem.reference}</span>
          <StatusChip status={caseItem.status} />
          <PriorityBadge priority={caseItem.priority} />
          <AgeBadge createdAt={caseItem.createdAt} status={caseItem.status} />
          <SlaBadge caseItem={caseItem} />
          {caseItem.lastMessage?.fromCustomer ? <CustomerRepliedMark /> : null}
        </div>
        <Title className="case-card-title" id={`case-${caseItem.id}-title`}>
          <Link to={`/cases/${caseItem.id}`} className="case-card-link" data-case-card="">
            {caseItem.subject || '(no subject)'}
          </Link>
        </Title>
        {caseItem.lastMessage ? <LastMessageLine message={caseItem.lastMessage} /> : null}
        <dl className="case-card-meta">
          <div>
            <dt>Customer</dt>
            <dd>{customer}</dd>
          </div>
          <div>
            <dt>Team</dt>
            <dd>{caseItem.teamName ?? '—'}</dd>
          </div>
          <div>
            <dt>Owner</dt>
            <dd className={caseItem.ownerId ? undefined : 'muted'}>
              {caseItem.ownerId ? (caseItem.ownerName ?? 'Assigned') : 'Unassigned'}
            </dd>
          </div>
        </dl>
        <TagList tags={caseItem.tags} max={4} />
        {extra ? <div className="case-card-extra">{extra}</div> : null}
      </div>
      <div className="case-card-menu">
        <CaseActionsMenu caseItem={caseItem} />
      </div>
    </article>
  );
}
