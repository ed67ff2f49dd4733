import { useCallback, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { hasPermission, keys, useMe, useTimeZone } from '../api/queries';
import type { SectionKey, Work } from '../api/types';
import { ErrorState } from '../components/empty-state';
import { LoadingState } from '../components/spinner';
import { useToast } from '../components/toast';
import { NextCasePanel } from '../features/my-work/next-case-panel';
import { ShortcutsButton, ShortcutsDialog } from '../components/shortcuts-dialog';
import { useWorkShortcuts, workShortcuts } from '../features/my-work/use-work-shortcuts';
import { WorkSection } from '../features/my-work/work-section';
import { SECTION_KEYS } from '@casework/domain';
import { usePageTitle } from '../lib/use-page-title';

/** SPEC §3: the next unassigned case, then the agent's five sections, live. */
export function MyWorkPage() {
  usePageTitle('My Work');
  const me = useMe().data;
  const timeZone = useTimeZone();
  const client = useQueryClient();
  const toast = useToast();
  const [help, setHelp] = useState(false);
  const [claimSignal, setClaimSignal] = useState(0);
  const work = useQuery({ queryKey: keys.work, queryFn: () => api.get<'/me/work'>('/me/work') });

  const collapse = useMutation({
    mutationFn: (collapsedSections: SectionKey[]) => api.put<'/me/preferences'>('/me/preferences', { collapsedSections }),
    onMutate: async (collapsedSections) => {
      await client.cancelQueries({ queryKey: keys.work, exact: true });
      const previous = client.getQueryData<Work>(keys.work);
      client.setQueryData<Work>(keys.work, (old) =>
        old
          ? { ...old, sections: old.sections.map((section) => ({ ...section, collapsed: collapsedSections.includes(section.key) })) }
          : old,
      );
      return { previous };
    },
    onError: (error, _vars, context) => {
      if (context?.previous) client.setQueryData(keys.work, context.previous);
      toast.error(error);
    },
  });

  const onToggle = useCallback(
    (key: SectionKey, collapsed: boolean) => {
      const current = client.getQueryData<Work>(keys.work);
      const keysCollapsed = new Set((current?.sections ?? []).filter((section) => section.collapsed).map((section) => section.key));
      if (collapsed) keysCollapsed.add(key);
      else keysCollapsed.delete(key);
      collapse.mutate(SECTION_KEYS.filter((item) => keysCollapsed.has(item)));
    },
    [client, collapse],
  );

  const onClaim = useCallback(() => setClaimSignal((value) => value + 1), []);
  const onHelp = useCallback(() => setHelp(true), []);
  useWorkShortcuts({ onClaim, onHelp });

  return (
    <div className="page page-my-work">
      <div className="page-header">
        <h1>My Work</h1>
        <ShortcutsButton onClick={onHelp} />
      </div>
      {work.isPending ? <LoadingState label="Loading your work…" /> : null}
      {work.isError ? <ErrorState error={work.error} onRetry={() => void work.refetch()} /> : null}
      {work.data && me ? (
        <>
          <NextCasePanel work={work.data} me={me} claimSignal={claimSignal} />
          <div className="work-sections">
            {sortSections(work.data).map((section) => (
              <WorkSection
                key={section.key}
                section={section}
                timeZone={timeZone}
                canClaim={hasPermission(me, 'case.claim')}
                onToggle={onToggle}
              />
            ))}
          </div>
        </>
      ) : null}
      {help ? <ShortcutsDialog shortcuts={workShortcuts(hasPermission(me, 'case.claim'))} onClose={() => setHelp(false)} /> : null}
    </div>
  );
}

function sortSections(work: Work) {
  return [...work.sections].sort((a, b) => rank(a.key) - rank(b.key));
}

function rank(key: SectionKey): number {
  const index = SECTION_KEYS.indexOf(key);
  return index === -1 ? SECTION_KEYS.length : index;
}
