import { useId, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useTeams, useTimeZone, useUsers } from '../../api/queries';
import { Button } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { EmptyState, ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { auditExportUrl, useAuditLog, type AuditEntry, type AuditFilters } from '../../features/audit/audit-api';
import { AuditChanges, type Names } from '../../features/audit/audit-changes';
import { AUDIT_FAMILIES, actionSentence, isFailure } from '../../features/audit/audit-words';
import { formatDateTime } from '../../lib/time';
import { AdminPage } from './admin-layout';

export function AuditLogPage() {
  return (
    <AdminPage title="Audit log" permission="admin.users">
      <AuditLog />
    </AdminPage>
  );
}

const FILTER_KEYS = ['action', 'actorId', 'from', 'to', 'target'] as const;

function AuditLog() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as AuditFilters, [params]);
  const setFilter = (key: keyof AuditFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filtered = FILTER_KEYS.some((k) => filters[k]);
  const log = useAuditLog(filters);
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const users = useUsers();
  const teams = useTeams();
  const names: Names = {
    user: (id) => users.data?.find((u) => u.id === id)?.name,
    team: (id) => teams.data?.find((t) => t.id === id)?.name,
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="section-header">
        <h2 id="audit-title">Audit log</h2>
        <a className="btn btn-secondary" href={auditExportUrl(filters)} download>
          Export CSV
        </a>
      </div>
      <p className="muted">
        Sign-ins and every change to users, teams, roles, channels, tokens, webhooks, fields and settings: who, when, from where and what
        changed. Secrets are never recorded.
      </p>
      <Filters
        filters={filters}
        setFilter={setFilter}
        users={users.data ?? []}
        onClear={() => setParams(new URLSearchParams(), { replace: true })}
      />
      {log.isPending ? <LoadingState label="Loading the audit log…" /> : null}
      {log.isError ? <ErrorState error={log.error} onRetry={() => void log.refetch()} /> : null}
      {log.data && entries.length === 0 ? (
        <EmptyState title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}>
          {filtered ? 'Try a wider date range or another action.' : 'Sign-ins and changes to the set-up will appear here.'}
        </EmptyState>
      ) : null}
      {entries.length ? <AuditTable entries={entries} names={names} onTarget={(target) => setFilter('target', target)} /> : null}
      {log.hasNextPage ? (
        <div className="load-more">
          <Button busy={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
    </section>
  );
}

type FiltersProps = {
  filters: AuditFilters;
  setFilter: (key: keyof AuditFilters, value: string) => void;
  users: { id: string; name: string }[];
  onClear: () => void;
};

function Filters({ filters, setFilter, users, onClear }: FiltersProps) {
  const id = useId();
  return (
    <div className="filter-bar audit-filters">
      <div className="filter-row is-open">
        <div className="filter-field">
          <label htmlFor={`${id}-action`}>Action</label>
          <select id={`${id}-action`} value={filters.action} onChange={(e) => setFilter('action', e.target.value)}>
            <option value="">All actions</option>
            {AUDIT_FAMILIES.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
            <option value="sign_in.failed">Failed sign-ins</option>
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={`${id}-actor`}>Who</label>
          <select id={`${id}-actor`} value={filters.actorId} onChange={(e) => setFilter('actorId', e.target.value)}>
            <option value="">Anyone</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={filters.from} onChange={(e) => setFilter('from', e.target.value)} />
        </div>
        <div className="filter-field">
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="date" value={filters.to} onChange={(e) => setFilter('to', e.target.value)} />
        </div>
        {filters.target ? (
          <div className="filter-field">
            <span className="filter-field-label">Target</span>
            <Button size="sm" variant="ghost" onClick={() => setFilter('target', '')} aria-label="Show every target">
              One {filters.target.split(':')[0]?.replaceAll('_', ' ')} ✕
            </Button>
          </div>
        ) : null}
        {FILTER_KEYS.some((k) => filters[k]) ? (
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function AuditTable({ entries, names, onTarget }: { entries: AuditEntry[]; names: Names; onTarget: (target: string) => void }) {
  const timeZone = useTimeZone();
  return (
    <DataTable columns={['When', 'Who', 'What', 'Changes', 'From']} stacked>
      {entries.map((entry) => (
        <tr key={entry.id} className="audit-row">
          <td data-label="When" className="audit-when">
            <time dateTime={entry.at}>{formatDateTime(entry.at, timeZone)}</time>
          </td>
          <td data-label="Who">
            {entry.actorId ? (
              (entry.actorName ?? names.user(entry.actorId) ?? 'Deleted user')
            ) : (
              <span className="muted">{nobodyWords(entry.action)}</span>
            )}
          </td>
          <td data-label="What">
            <div className={isFailure(entry.action) ? 'audit-action audit-failure' : 'audit-action'}>{actionSentence(entry.action)}</div>
            <Target entry={entry} names={names} onTarget={onTarget} />
          </td>
          <td data-label="Changes">
            <AuditChanges entry={entry} names={names} />
          </td>
          <td data-label="From" className="mono small">
            {entry.ip ?? <span className="muted">—</span>}
          </td>
          <td className="cell-actions" />
        </tr>
      ))}
    </DataTable>
  );
}

/** Who an entry without an actor is: someone not signed in (sign-ins, password resets) or Casework itself. */
const nobodyWords = (action: string) => (/^(sign_in|password_reset)\./.test(action) ? 'Not signed in' : 'System');

function Target({ entry, names, onTarget }: { entry: AuditEntry; names: Names; onTarget: (target: string) => void }) {
  const { type, id, label } = entry.target;
  const shown = label ?? (id ? (type === 'user' ? names.user(id) : type === 'team' ? names.team(id) : undefined) : undefined);
  if (!shown && !id) return null;
  const text = shown ?? id!;
  // A refused request names its route, which is no thing to narrow the log to.
  if (!id || type === 'route') return <div className="muted small mono">{text}</div>;
  return (
    <button type="button" className="link-btn small audit-target" onClick={() => onTarget(`${type}:${id}`)} title="Show only this">
      {text}
    </button>
  );
}
