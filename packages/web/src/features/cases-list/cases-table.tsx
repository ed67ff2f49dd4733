import { Link } from 'react-router';
import { useTimeZone } from '../../api/queries';
import type { Case, CaseList } from '../../api/types';
import { AgeBadge } from '../../components/age-badge';
import { ChannelIcon } from '../../components/channel-icon';
import { StatusChip } from '../../components/status-chip';
import { formatAge, formatDateTime } from '../../lib/time';
import { useNow } from '../../lib/use-now';
import { CaseActionsMenu } from '../case-actions/case-actions-menu';
import { PriorityBadge } from '../case-data/priority-badge';
import { SlaBadge } from '../sla/sla-badge';
import { TagList } from '../case-data/tag-list';
import { SearchSnippet } from './search-snippet';
import { CustomerRepliedMark, LastMessageLine } from '../../components/last-message';
import { formatPhone } from '../../lib/phone';

/** The server's sort orders (GET /cases `sort`): newest first, most urgent first, or a search's best match first. */
export type ListSort = 'created' | 'updated' | 'priority' | 'relevance';

const SORTED_WORDS: Record<ListSort, string> = {
  created: 'newest first',
  updated: 'recently updated first',
  priority: 'most urgent first',
  relevance: 'best match first',
};

type CasesTableProps = {
  cases: CaseList['cases'];
  sort: ListSort;
  onSort: (sort: ListSort) => void;
  selected: Set<string>;
  onToggle: (id: string) => void;
  selectionDisabled: boolean;
};

const customerName = (item: Case) =>
  item.customer?.name || item.customer?.email || (item.customer?.phone ? formatPhone(item.customer.phone) : null) || 'Unknown customer';

/** A column heading that sorts the list on the server (newest or most urgent first); aria-sort marks the current one. */
function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: 'created' | 'updated' | 'priority';
  sort: ListSort;
  onSort: (s: ListSort) => void;
}) {
  const active = sort === column;
  return (
    <th scope="col" aria-sort={active ? 'descending' : 'none'} className={`col-${column}`}>
      <button type="button" className={`sort-btn${active ? ' is-active' : ''}`} onClick={() => onSort(column)}>
        {label}
        <svg viewBox="0 0 12 12" width="10" height="10" aria-hidden="true">
          <path d="M3 4.5L6 7.5L9 4.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        {active ? <span className="visually-hidden"> (sorted, {SORTED_WORDS[column]})</span> : null}
      </button>
    </th>
  );
}

/**
 * The dense Cases table: one row per case, subject shortened with the full text in its title,
 * priority and tags at a glance, sortable by priority, creation and last activity. Keys (use-list-keys.ts): j/k move between rows, Enter
 * opens, x selects.
 */
export function CasesTable({ cases, sort, onSort, selected, onToggle, selectionDisabled }: CasesTableProps) {
  const now = useNow();
  const timeZone = useTimeZone();
  return (
    <div className="table-wrap cases-table-wrap">
      <table className="table cases-table">
        <caption className="visually-hidden">Cases, {SORTED_WORDS[sort]}</caption>
        <thead>
          <tr>
            <th scope="col" className="col-select">
              <span className="visually-hidden">Select</span>
            </th>
            <th scope="col" className="col-ref">
              Reference
            </th>
            <th scope="col" className="col-subject">
              Subject
            </th>
            <th scope="col" className="col-customer">
              Customer
            </th>
            <SortHeader label="Priority" column="priority" sort={sort} onSort={onSort} />
            <th scope="col" className="col-tags">
              Tags
            </th>
            <th scope="col" className="col-status">
              Status
            </th>
            <th scope="col" className="col-team">
              Team
            </th>
            <th scope="col" className="col-owner">
              Owner
            </th>
            <SortHeader label="Age" column="created" sort={sort} onSort={onSort} />
            <SortHeader label="Last activity" column="updated" sort={sort} onSort={onSort} />
            <th scope="col" className="col-menu">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cases.map((item) => {
            const isSelected = selected.has(item.id);
            return (
              <tr key={item.id} className={`status-${item.status}${isSelected ? ' is-selected' : ''}`} data-case-row="">
                <td className="col-select">
                  <label className="select-case">
                    <input type="checkbox" checked={isSelected} onChange={() => onToggle(item.id)} disabled={selectionDisabled} />
                    <span className="visually-hidden">Select case {item.reference}</span>
                  </label>
                </td>
                <td className="col-ref">
                  <span className="case-ref">{item.reference}</span>
                </td>
                <td className="col-subject">
                  <div className="subject-cell">
                    <ChannelIcon type={item.type} />
                    <Link to={`/cases/${item.id}`} className="row-link" data-case-card="" title={item.subject}>
                      {item.subject || '(no subject)'}
                    </Link>
                  </div>
                  {item.match ? (
                    <SearchSnippet match={item.match} />
                  ) : item.lastMessage ? (
                    <div className="row-last-message">
                      {item.lastMessage.fromCustomer ? <CustomerRepliedMark /> : null}
                      <LastMessageLine message={item.lastMessage} compact />
                    </div>
                  ) : null}
                </td>
                <td className="col-customer" title={customerName(item)}>
                  {customerName(item)}
                </td>
                <td className="col-priority">
                  <div className="priority-cell">
                    <PriorityBadge priority={item.priority} showNormal />
                    <SlaBadge caseItem={item} />
                  </div>
                </td>
                <td className="col-tags" title={item.tags.join(', ') || undefined}>
                  <TagList tags={item.tags} max={2} />
                </td>
                <td className="col-status">
                  <StatusChip status={item.status} />
                </td>
                <td className="col-team" title={item.teamName}>
                  {item.teamName}
                </td>
                <td className={`col-owner${item.ownerId ? '' : ' muted'}`} title={item.ownerName ?? undefined}>
                  {item.ownerId ? (item.ownerName ?? 'Assigned') : 'Unassigned'}
                </td>
                <td className="col-created">
                  <AgeBadge createdAt={item.createdAt} status={item.status} />
                </td>
                <td className="col-updated" title={formatDateTime(item.updatedAt, timeZone)}>
                  {formatAge(now - new Date(item.updatedAt).getTime())} ago
                </td>
                <td className="col-menu">
                  <CaseActionsMenu caseItem={item} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
