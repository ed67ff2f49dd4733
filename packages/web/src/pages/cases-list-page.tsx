import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { hasPermission, keys, useMe } from '../api/queries';
import type { Case } from '../api/types';
import { Button } from '../components/button';
import { CaseCard } from '../components/case-card';
import { SearchSnippet } from '../features/cases-list/search-snippet';
import { EmptyState, ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { BulkBar, BulkSummary, SelectAll } from '../features/cases-list/bulk-bar';
import { BulkAssignDialog, BulkPriorityDialog, BulkResolveDialog, BulkTagsDialog } from '../features/cases-list/bulk-dialogs';
import { BULK_DIALOGS, bulkNeeds, useBulkRun, type BulkAction } from '../features/cases-list/bulk-run';
import { FilterBar } from '../features/cases-list/filter-bar';
import { apiQuery, hasFilters, type FilterKey } from '../features/cases-list/filters';
import { ExportButton } from '../features/cases-list/export-button';
import { usePageTitle } from '../lib/use-page-title';
import { CasesTable, type ListSort } from '../features/cases-list/cases-table';
import { LIST_SHORTCUTS, useListKeys } from '../features/cases-list/use-list-keys';
import { ShortcutsButton, ShortcutsDialog } from '../components/shortcuts-dialog';
import { useListLayout, type ListLayout } from '../features/cases-list/use-layout';
import { ViewDialog } from '../features/views/view-dialog';
import { ViewsNav } from '../features/views/views-nav';
import { useViews, viewQuery } from '../features/views/views-api';

const PAGE_SIZE = 25;

/** SPEC §4 Cases list: URL-driven filters, total count, keyset "Load more". */
export function CasesListPage() {
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const query = apiQuery(params);
  const viewId = params.get('view');
  const views = useViews();
  const view = viewId ? views.data?.find((item) => item.id === viewId) : undefined;
  usePageTitle(view ? view.name : 'Cases');
  const { layout, canChoose, choose } = useListLayout(me?.id);
  const [dialog, setDialog] = useState<'save' | 'edit' | null>(null);
  const [help, setHelp] = useState(false);
  const onHelp = useCallback(() => setHelp(true), []);
  useListKeys(onHelp);

  const list = useInfiniteQuery({
    queryKey: keys.caseList(query),
    queryFn: ({ pageParam, signal }) => {
      const search = new URLSearchParams(query);
      search.set('limit', String(PAGE_SIZE));
      if (pageParam) search.set('cursor', pageParam);
      return api.get<'/cases'>(`/cases?${search.toString().replaceAll('%2C', ',')}`, { signal });
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });

  const onChange = useCallback(
    (updates: Partial<Record<FilterKey, string | string[] | null>>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(updates)) {
            next.delete(key);
            // A repeatable filter (tag) is a list: one parameter per value.
            for (const one of [value ?? []].flat()) if (one) next.append(key, one);
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
  const capped = pages[0]?.totalCapped === true;
  const bulk = useBulkSelection(cases, query);
  const changed = view !== undefined && viewQuery(view) !== query;

  return (
    <div className="page page-cases">
      <div className="cases-layout">
        <ViewsNav
          activeId={view?.id ?? null}
          allActive={!viewId && !hasFilters(params)}
          spamActive={!viewId && params.get('status') === 'spam' && [...params.keys()].every((key) => key === 'status')}
        />
        <div className="cases-main">
          <div className="page-header">
            <h1>
              {view ? view.name : 'Cases'}
              {changed ? <span className="view-changed"> (changed)</span> : null}
            </h1>
            <div className="page-actions">
              <ShortcutsButton onClick={onHelp} />
              {canChoose ? <LayoutToggle layout={layout} onChange={choose} /> : null}
              {view?.editable ? (
                <Button size="sm" onClick={() => setDialog('edit')}>
                  {changed ? 'Save changes…' : 'Edit view…'}
                </Button>
              ) : null}
              {(!view && hasFilters(params)) || changed ? (
                <Button size="sm" onClick={() => setDialog('save')}>
                  {view ? 'Save as new view…' : 'Save view…'}
                </Button>
              ) : null}
              <ExportButton query={query} />
              {hasPermission(me, 'case.create') ? (
                <Link className="btn btn-primary btn-sm" to="/cases/new">
                  New case
                </Link>
              ) : null}
            </div>
          </div>
          {help ? <ShortcutsDialog shortcuts={LIST_SHORTCUTS} onClose={() => setHelp(false)} /> : null}
          <FilterBar params={params} onChange={onChange} />
          <div className="list-summary">
            {cases.length > 0 ? (
              <SelectAll cases={cases} selected={bulk.selected} onChange={bulk.setSelected} disabled={bulk.running} />
            ) : null}
            {total !== undefined ? (
              <span aria-live="polite">
                {capped ? (
                  <strong title={`More than ${total.toLocaleString('en-US')} cases match: add a filter for an exact count`}>
                    {total.toLocaleString('en-US')}+
                  </strong>
                ) : (
                  <strong>{total}</strong>
                )}{' '}
                {total === 1 && !capped ? 'case' : 'cases'}
                {list.isFetching && !list.isFetchingNextPage ? <span className="muted"> · updating…</span> : null}
              </span>
            ) : null}
            {cases.length > 0 ? (
              <span className="list-keys muted" aria-hidden="true">
                <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select
              </span>
            ) : null}
          </div>
          {bulk.result ? <BulkSummary result={bulk.result} onDismiss={bulk.dismiss} /> : null}
          {list.isPending ? <LoadingState label="Loading cases…" /> : null}
          {list.isError && !list.data ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
          {list.data && cases.length === 0 ? (
            <EmptyState title={hasFilters(params) ? 'No cases match these filters' : 'No cases yet'}>
              {hasFilters(params)
                ? 'Try removing a filter or searching for something else.'
                : 'Cases from every channel will show up here.'}
            </EmptyState>
          ) : null}
          {cases.length > 0 && layout === 'table' ? (
            <CasesTable
              cases={cases}
              sort={(params.get('sort') as ListSort | null) ?? (params.get('q') ? 'relevance' : 'created')}
              onSort={(sort) => onChange({ sort: sort === (params.get('q') ? 'relevance' : 'created') ? null : sort })}
              selected={bulk.selected}
              onToggle={bulk.toggle}
              selectionDisabled={bulk.running}
            />
          ) : null}
          {cases.length > 0 && layout === 'cards' ? (
            <ul className="card-grid card-grid-list">
              {cases.map((item) => (
                <li key={item.id} className={bulk.selected.has(item.id) ? 'is-selected' : undefined}>
                  <CaseCard
                    caseItem={item}
                    headingLevel={2}
                    extra={item.match ? <SearchSnippet match={item.match} /> : undefined}
                    leading={
                      <SelectCase caseItem={item} checked={bulk.selected.has(item.id)} onToggle={bulk.toggle} disabled={bulk.running} />
                    }
                  />
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
                Showing {cases.length} of {capped && total !== undefined ? `${total.toLocaleString('en-US')}+` : total}
              </span>
            </div>
          ) : null}
          <BulkBar
            selected={bulk.selectedCases}
            progress={bulk.progress}
            onAction={bulk.act}
            onClear={() => bulk.setSelected([])}
            onStop={bulk.stop}
          />
        </div>
      </div>
      {bulk.dialog === 'assign' ? (
        <BulkAssignDialog cases={bulk.eligible('assign')} onCancel={bulk.closeDialog} onConfirm={(input) => bulk.run('assign', input)} />
      ) : null}
      {bulk.dialog === 'resolve' ? (
        <BulkResolveDialog cases={bulk.eligible('resolve')} onCancel={bulk.closeDialog} onConfirm={(input) => bulk.run('resolve', input)} />
      ) : null}
      {bulk.dialog === 'set_priority' ? (
        <BulkPriorityDialog
          cases={bulk.eligible('set_priority')}
          onCancel={bulk.closeDialog}
          onConfirm={(input) => bulk.run('set_priority', input)}
        />
      ) : null}
      {bulk.dialog === 'tags' ? (
        <BulkTagsDialog cases={bulk.eligible('tags')} onCancel={bulk.closeDialog} onConfirm={(input) => bulk.run('tags', input)} />
      ) : null}
      {dialog === 'save' ? <ViewDialog query={query} onClose={() => setDialog(null)} /> : null}
      {dialog === 'edit' && view ? <ViewDialog view={view} query={query} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}

/** Table or cards (wide screens only; remembered per user). */
function LayoutToggle({ layout, onChange }: { layout: ListLayout; onChange: (layout: ListLayout) => void }) {
  return (
    <fieldset className="segmented" aria-label="Layout">
      {(['table', 'cards'] as const).map((option) => (
        <button
          key={option}
          type="button"
          className={layout === option ? 'is-on' : undefined}
          aria-pressed={layout === option}
          onClick={() => onChange(option)}
        >
          {option === 'table' ? 'Table' : 'Cards'}
        </button>
      ))}
    </fieldset>
  );
}

function SelectCase({
  caseItem,
  checked,
  onToggle,
  disabled,
}: {
  caseItem: Case;
  checked: boolean;
  onToggle: (id: string) => void;
  disabled: boolean;
}) {
  return (
    <label className="select-case">
      <input type="checkbox" checked={checked} onChange={() => onToggle(caseItem.id)} disabled={disabled} />
      <span className="visually-hidden">Select case {caseItem.reference}</span>
    </label>
  );
}

/** Selection over the loaded cases (cleared when the filters change) and the bulk runs over it. */
function useBulkSelection(cases: Case[], query: string) {
  const [selected, setSelectedSet] = useState<Set<string>>(() => new Set());
  const [dialog, setDialog] = useState<BulkAction | null>(null);
  const runner = useBulkRun();
  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters clear the selection
  useEffect(() => setSelectedSet(new Set()), [query]);
  // Only cases still on screen count: a case that left the list (filters, live update) is not acted on.
  const selectedCases = cases.filter((item) => selected.has(item.id));
  const eligible = (action: BulkAction) => selectedCases.filter((item) => item.actions.includes(bulkNeeds(action)));

  async function run(action: BulkAction, input?: Parameters<typeof runner.start>[2]) {
    setDialog(null);
    const result = await runner.start(selectedCases, action, input);
    // Keep the failures selected so they can be looked at or retried.
    setSelectedSet(new Set(result.failed.map((failure) => failure.caseItem.id)));
  }

  return {
    selected,
    selectedCases,
    eligible,
    dialog,
    running: runner.progress !== null,
    progress: runner.progress,
    result: runner.result,
    dismiss: runner.dismiss,
    stop: runner.stop,
    setSelected: (ids: string[]) => setSelectedSet(new Set(ids)),
    toggle: (id: string) =>
      setSelectedSet((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    act: (action: BulkAction) => (BULK_DIALOGS.includes(action) ? setDialog(action) : void run(action)),
    closeDialog: () => setDialog(null),
    run: (action: BulkAction, input: Parameters<typeof runner.start>[2]) => void run(action, input),
  };
}
