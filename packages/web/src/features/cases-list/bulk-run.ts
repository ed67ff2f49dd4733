import { useCallback, useRef, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, ApiError, describeError, type Answer, type Body } from '../../api/client';
import { invalidateCaseViews, lookupUserName, storeCase } from '../../api/queries';
import type { Case, CaseAction } from '../../api/types';
import type { ActionInput } from '../case-actions/run-action';
import { tagKeys, type Priority } from '../case-data/case-data-api';

export type BulkAction = 'claim' | 'assign' | 'resolve' | 'follow' | 'set_priority' | 'tags' | 'mark_spam';
export const BULK_ACTIONS: BulkAction[] = ['claim', 'assign', 'resolve', 'follow', 'set_priority', 'tags', 'mark_spam'];
/** Bulk actions that ask for more in a dialog first. */
export const BULK_DIALOGS: readonly BulkAction[] = ['assign', 'resolve', 'set_priority', 'tags'];

/** What a bulk run is given: an action's own parameters, a priority, or tags to add or remove. */
export type BulkInput = ActionInput & { priority?: Priority; tags?: string[]; removeTags?: boolean };

export const BULK_WORDS: Record<BulkAction, { button: string; running: string; done: string }> = {
  claim: { button: 'Claim', running: 'Claiming', done: 'Claimed' },
  assign: { button: 'Assign…', running: 'Assigning', done: 'Assigned' },
  resolve: { button: 'Resolve…', running: 'Resolving', done: 'Resolved' },
  follow: { button: 'Follow', running: 'Following', done: 'Now following' },
  set_priority: { button: 'Priority…', running: 'Setting the priority of', done: 'Set the priority of' },
  tags: { button: 'Tags…', running: 'Changing the tags of', done: 'Changed the tags of' },
  mark_spam: { button: 'Mark as spam', running: 'Marking as spam', done: 'Marked as spam' },
};

/** The case action each bulk action needs on a case (editing priority and tags is `edit`; marking as spam is `spam`). */
export function bulkNeeds(action: BulkAction): CaseAction {
  if (action === 'mark_spam') return 'spam';
  return action === 'set_priority' || action === 'tags' ? 'edit' : action;
}

type BulkFailure = { caseItem: Case; reason: string };
export type BulkProgress = { action: BulkAction; total: number; finished: number };
export type BulkResult = {
  action: BulkAction;
  succeeded: Case[];
  failed: BulkFailure[];
  /** Selected cases whose `actions` did not offer this action (never sent to the server). */
  skipped: Case[];
  /** Cases not attempted because the user stopped or a limit made the rest pointless. */
  notAttempted: Case[];
  stopNote: string | null;
};

/** The permission a case must offer: assigning nobody while keeping the team is an unassign on the server. */
function requiredAction(action: BulkAction, input?: BulkInput): CaseAction {
  return action === 'assign' && input?.teamId === undefined && input?.ownerId === null ? 'unassign' : bulkNeeds(action);
}

/** One case's answer within a bulk request. */
type BulkItem = Answer<'/cases/bulk', 'post'>['results'][number];

/** The most cases one bulk request may carry (the server's cap). */
const BULK_CHUNK = 100;

/** Why one case failed, in words (who won a claim race, a capacity limit, or the server's title). */
async function reasonFor(client: QueryClient, problem: BulkItem['problem']): Promise<string> {
  const code = problem?.code;
  if (code === 'already_claimed')
    return `Taken by ${await lookupUserName(client, typeof problem?.ownerId === 'string' ? problem.ownerId : null)}`;
  if (code === 'capacity_reached') return 'Your open case limit is reached';
  if (!problem) return 'Something went wrong';
  return problem.detail && problem.detail !== problem.title ? `${problem.title}: ${problem.detail}` : problem.title;
}

/** The bulk request's body for an action and the dialog's input (the single actions' parameters). */
function bulkBody(caseIds: string[], action: BulkAction, input: BulkInput = {}): Body<'/cases/bulk', 'post'> {
  if (action === 'set_priority') return { caseIds, action, priority: input.priority ?? 'normal' };
  if (action === 'tags') return { caseIds, action: input.removeTags ? 'remove_tags' : 'add_tags', tags: input.tags ?? [] };
  if (action === 'assign') {
    return {
      caseIds,
      action,
      ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
      ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}),
    };
  }
  if (action === 'resolve')
    return { caseIds, action, resolution: input.resolution ?? 'completed', ...(input.note ? { note: input.note } : {}) };
  return { caseIds, action };
}

/**
 * Runs one action over many cases in as few requests as the server's cap allows (one for up to
 * 100 cases), only where each case's `actions` allow it (the server refuses the rest anyway); every
 * case gets its own result. Stop takes effect between requests.
 */
export function useBulkRun() {
  const client = useQueryClient();
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const stopRequested = useRef(false);

  const start = useCallback(
    async (cases: Case[], action: BulkAction, input?: BulkInput): Promise<BulkResult> => {
      const needed = requiredAction(action, input);
      const eligible = cases.filter((item) => item.actions.includes(needed));
      const out: BulkResult = {
        action,
        succeeded: [],
        failed: [],
        skipped: cases.filter((item) => !item.actions.includes(needed)),
        notAttempted: [],
        stopNote: null,
      };
      stopRequested.current = false;
      setResult(null);
      setProgress({ action, total: eligible.length, finished: 0 });
      for (let index = 0; index < eligible.length; index += BULK_CHUNK) {
        const chunk = eligible.slice(index, index + BULK_CHUNK);
        if (stopRequested.current) {
          out.notAttempted = eligible.slice(index);
          out.stopNote = 'Stopped before the remaining cases.';
          break;
        }
        let answer: BulkItem[];
        try {
          answer = (
            await api.post<'/cases/bulk'>(
              '/cases/bulk',
              bulkBody(
                chunk.map((item) => item.id),
                action,
                input,
              ),
            )
          ).results;
        } catch (error) {
          const { title, detail } = describeError(error);
          for (const caseItem of chunk) out.failed.push({ caseItem, reason: detail ? `${title}: ${detail}` : title });
          out.notAttempted = eligible.slice(index + BULK_CHUNK);
          if (error instanceof ApiError && error.status === 401) out.stopNote = 'Your session ended.';
          break;
        }
        const byId = new Map(chunk.map((item) => [item.id, item]));
        for (const item of answer) {
          const caseItem = byId.get(item.caseId);
          if (!caseItem) continue;
          if (item.ok) {
            storeCase(client, item.case);
            out.succeeded.push(caseItem);
          } else {
            out.failed.push({ caseItem, reason: await reasonFor(client, item.problem) });
            if (item.problem?.code === 'capacity_reached') out.stopNote = 'Claiming more would exceed your open case limit.';
          }
        }
        setProgress({ action, total: eligible.length, finished: Math.min(eligible.length, index + BULK_CHUNK) });
      }
      setProgress(null);
      setResult(out);
      void invalidateCaseViews(client);
      if (action === 'tags') void client.invalidateQueries({ queryKey: tagKeys.tags });
      return out;
    },
    [client],
  );

  const stop = useCallback(() => {
    stopRequested.current = true;
  }, []);

  return { start, stop, progress, result, dismiss: () => setResult(null) };
}
