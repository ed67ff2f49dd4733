import { useCallback, useRef, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { ApiError, describeError } from '../../api/client';
import { invalidateCaseViews, lookupUserName, storeCase } from '../../api/queries';
import type { Case, CaseAction } from '../../api/types';
import { runCaseAction, type ActionInput } from '../case-actions/run-action';

export type BulkAction = 'claim' | 'assign' | 'resolve' | 'follow';
export const BULK_ACTIONS: BulkAction[] = ['claim', 'assign', 'resolve', 'follow'];

export const BULK_WORDS: Record<BulkAction, { button: string; running: string; done: string }> = {
  claim: { button: 'Claim', running: 'Claiming', done: 'Claimed' },
  assign: { button: 'Assign…', running: 'Assigning', done: 'Assigned' },
  resolve: { button: 'Resolve…', running: 'Resolving', done: 'Resolved' },
  follow: { button: 'Follow', running: 'Following', done: 'Now following' },
};

export type BulkFailure = { caseItem: Case; reason: string };
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
export function requiredAction(action: BulkAction, input?: ActionInput): CaseAction {
  return action === 'assign' && input?.teamId === undefined && input?.ownerId === null ? 'unassign' : action;
}

/** Why one case failed, in words (who won a claim race, a capacity limit, or the server's title). */
async function reasonFor(client: QueryClient, error: unknown): Promise<string> {
  if (error instanceof ApiError && error.code === 'already_claimed') return `Taken by ${await lookupUserName(client, error.ownerId)}`;
  if (error instanceof ApiError && error.code === 'capacity_reached') return 'Your open case limit is reached';
  const { title, detail } = describeError(error);
  return detail ? `${title}: ${detail}` : title;
}

/**
 * Runs one action over many cases, one request per case and only where that case's `actions`
 * allow it (the server refuses the rest anyway), reporting progress as it goes.
 */
export function useBulkRun() {
  const client = useQueryClient();
  const [progress, setProgress] = useState<BulkProgress | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const stopRequested = useRef(false);

  const start = useCallback(
    async (cases: Case[], action: BulkAction, input?: ActionInput): Promise<BulkResult> => {
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
      for (const [index, caseItem] of eligible.entries()) {
        if (stopRequested.current) {
          out.notAttempted = eligible.slice(index);
          out.stopNote = 'Stopped before the remaining cases.';
          break;
        }
        try {
          storeCase(client, await runCaseAction(caseItem.id, action, input));
          out.succeeded.push(caseItem);
        } catch (error) {
          out.failed.push({ caseItem, reason: await reasonFor(client, error) });
          if (error instanceof ApiError && (error.code === 'capacity_reached' || error.status === 401)) {
            out.notAttempted = eligible.slice(index + 1);
            out.stopNote = error.status === 401 ? 'Your session ended.' : 'Stopped: claiming more would exceed your open case limit.';
            break;
          }
        }
        setProgress({ action, total: eligible.length, finished: index + 1 });
      }
      setProgress(null);
      setResult(out);
      void invalidateCaseViews(client);
      return out;
    },
    [client],
  );

  const stop = useCallback(() => {
    stopRequested.current = true;
  }, []);

  return { start, stop, progress, result, dismiss: () => setResult(null) };
}
