import { useEffect, useId, useState } from 'react';
import { useMe, useTeams, useUsers } from '../../api/queries';
import { MultiSelect } from '../../components/multi-select';
import { CASE_TYPES, STATUSES, TYPE_LABEL } from '@casework/domain';
import { STATUS_LABELS } from '../../lib/labels';
import { fieldFilters, hasFilters, listParam, tagFilters, type FilterKey } from './filters';
import { FieldFilter } from '../case-fields/field-filter';
import { PRIORITIES, PRIORITY_LABELS } from '../case-data/case-data-api';
import { TagFilter } from '../case-data/tag-filter';

type Props = { params: URLSearchParams; onChange: (updates: Partial<Record<FilterKey, string | string[] | null>>) => void };

/** Every SPEC §4 filter; each edit rewrites the URL, which drives the query. */
export function FilterBar({ params, onChange }: Props) {
  const me = useMe().data;
  const teams = useTeams();
  const users = useUsers();
  const searchId = useId();
  const ownerId = useId();
  const typeId = useId();
  const fromId = useId();
  const toId = useId();
  const sortId = useId();
  const slaId = useId();
  const q = params.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const [open, setOpen] = useState(false);
  const active =
    ['status', 'priority', 'teamId', 'ownerId', 'type', 'createdFrom', 'createdTo', 'following', 'sla'].filter((key) => params.get(key))
      .length +
    tagFilters(params).length +
    fieldFilters(params).length;

  useEffect(() => setSearch((current) => (current.trim() === q ? current : q)), [q]);
  useEffect(() => {
    if (search.trim() === q) return;
    const timer = window.setTimeout(() => onChange({ q: search.trim() || null }), 300);
    return () => window.clearTimeout(timer);
  }, [search, q, onChange]);

  const owner = params.get('ownerId') ?? '';
  const knownOwner = !owner || owner === 'me' || owner === 'none' || users.data?.some((user) => user.id === owner);

  return (
    <search className="filter-bar" aria-label="Filter cases">
      <div className="filter-search">
        <label htmlFor={searchId} className="visually-hidden">
          Search cases
        </label>
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
          <circle cx="9" cy="9" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.7" />
          <path d="M13.5 13.5L17 17" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
        </svg>
        <input
          id={searchId}
          type="search"
          placeholder="Search subject, reference or customer"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <button
        type="button"
        className="btn btn-sm filter-toggle"
        aria-expanded={open}
        aria-controls={`${searchId}-filters`}
        onClick={() => setOpen((value) => !value)}
      >
        Filters{active ? ` (${active})` : ''}
      </button>
      <div className={`filter-row${open ? ' is-open' : ''}`} id={`${searchId}-filters`}>
        <MultiSelect
          label="Status"
          options={STATUSES.map((status) => ({ value: status, label: STATUS_LABELS[status] }))}
          selected={listParam(params, 'status')}
          onChange={(values) => onChange({ status: values.join(',') || null })}
        />
        <MultiSelect
          label="Priority"
          options={PRIORITIES.map((priority) => ({ value: priority, label: PRIORITY_LABELS[priority] }))}
          selected={listParam(params, 'priority')}
          onChange={(values) => onChange({ priority: values.join(',') || null })}
        />
        <MultiSelect
          label="Team"
          options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))}
          selected={listParam(params, 'teamId')}
          onChange={(values) => onChange({ teamId: values.join(',') || null })}
        />
        <div className="filter-field">
          <label htmlFor={ownerId}>Owner</label>
          <select id={ownerId} value={owner} onChange={(event) => onChange({ ownerId: event.target.value || null })}>
            <option value="">Anyone</option>
            <option value="me">Me{me ? ` (${me.name})` : ''}</option>
            <option value="none">Unassigned</option>
            {knownOwner ? null : <option value={owner}>Selected user</option>}
            {(users.data ?? [])
              .filter((user) => user.id !== me?.id)
              .map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name}
                  {user.active ? '' : ' (inactive)'}
                </option>
              ))}
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={typeId}>Channel</label>
          <select id={typeId} value={params.get('type') ?? ''} onChange={(event) => onChange({ type: event.target.value || null })}>
            <option value="">Any</option>
            {CASE_TYPES.map((type) => (
              <option key={type} value={type}>
                {TYPE_LABEL[type]}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={slaId}>SLA</label>
          <select id={slaId} value={params.get('sla') ?? ''} onChange={(event) => onChange({ sla: event.target.value || null })}>
            <option value="">Any</option>
            <option value="due_soon">Due soon</option>
            <option value="breached">Breached</option>
          </select>
        </div>
        <div className="filter-field">
          <label htmlFor={fromId}>Created from</label>
          <input
            id={fromId}
            type="date"
            value={params.get('createdFrom') ?? ''}
            onChange={(event) => onChange({ createdFrom: event.target.value || null })}
          />
        </div>
        <div className="filter-field">
          <label htmlFor={toId}>to</label>
          <input
            id={toId}
            type="date"
            value={params.get('createdTo') ?? ''}
            onChange={(event) => onChange({ createdTo: event.target.value || null })}
          />
        </div>
        <TagFilter tags={tagFilters(params)} onChange={(tags) => onChange({ tag: tags })} />
        <FieldFilter params={params} onChange={onChange} />
        <label className="check filter-check">
          <input
            type="checkbox"
            checked={params.get('following') === 'true'}
            onChange={(event) => onChange({ following: event.target.checked ? 'true' : null })}
          />
          Following
        </label>
        <div className="filter-field">
          <label htmlFor={sortId}>Sort</label>
          <select
            id={sortId}
            value={params.get('sort') ?? (params.get('q') ? 'relevance' : 'created')}
            onChange={(event) => {
              const fallback = params.get('q') ? 'relevance' : 'created';
              onChange({ sort: event.target.value === fallback ? null : event.target.value });
            }}
          >
            {params.get('q') ? <option value="relevance">Best match</option> : null}
            <option value="created">Newest created</option>
            <option value="updated">Recently updated</option>
            <option value="priority">Most urgent first</option>
            <option value="due">SLA due first</option>
          </select>
        </div>
        {hasFilters(params) ? (
          <button
            type="button"
            className="link-btn"
            onClick={() => {
              setSearch('');
              onChange({
                status: null,
                priority: null,
                tag: null,
                teamId: null,
                ownerId: null,
                type: null,
                createdFrom: null,
                createdTo: null,
                following: null,
                sla: null,
                q: null,
                ...Object.fromEntries(fieldFilters(params).map(([key]) => [key, null])),
              });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>
    </search>
  );
}
