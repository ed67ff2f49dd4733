import { api } from '../../api/client';
import type { Case, CaseAction } from '../../api/types';

export type ActionInput = {
  teamId?: string;
  ownerId?: string | null;
  wakeAt?: string;
  resolution?: 'completed' | 'unresolved';
  note?: string;
  /** Marking as spam: also block the customer's address or its whole domain. */
  block?: 'sender' | 'domain';
};

/** Calls the API endpoint behind one case action (SPEC §8). */
export async function runCaseAction(caseId: string, action: CaseAction, input: ActionInput = {}): Promise<Case | undefined> {
  const base = `/cases/${encodeURIComponent(caseId)}` as const;
  switch (action) {
    case 'claim':
      return api.post<'/cases/{id}/claim'>(`${base}/claim`);
    case 'assign': {
      const body: ActionInput = {};
      if (input.teamId !== undefined) body.teamId = input.teamId;
      if (input.ownerId !== undefined) body.ownerId = input.ownerId;
      return api.post<'/cases/{id}/assign'>(`${base}/assign`, body);
    }
    case 'unassign':
      return api.post<'/cases/{id}/unassign'>(`${base}/unassign`);
    case 'set_waiting':
      return api.post<'/cases/{id}/wait'>(`${base}/wait`, input.wakeAt ? { wakeAt: input.wakeAt } : {});
    case 'wake':
      return api.post<'/cases/{id}/wake'>(`${base}/wake`);
    case 'resolve':
      return api.post<'/cases/{id}/resolve'>(`${base}/resolve`, {
        resolution: input.resolution ?? 'completed',
        ...(input.note ? { note: input.note } : {}),
      });
    case 'cancel':
      return api.post<'/cases/{id}/cancel'>(`${base}/cancel`, input.note ? { note: input.note } : {});
    case 'reopen':
      return api.post<'/cases/{id}/reopen'>(`${base}/reopen`);
    case 'spam':
      return api.post<'/cases/{id}/spam'>(`${base}/spam`, input.block ? { block: input.block } : {});
    case 'not_spam':
      return api.post<'/cases/{id}/not-spam'>(`${base}/not-spam`);
    case 'follow':
      return api.post<'/cases/{id}/follow'>(`${base}/follow`);
    case 'unfollow':
      return api.delete<'/cases/{id}/follow'>(`${base}/follow`);
    default:
      return undefined;
  }
}

export const ACTION_DONE: Partial<Record<CaseAction, string>> = {
  claim: 'claimed',
  assign: 'assigned',
  unassign: 'unassigned',
  set_waiting: 'set to waiting',
  wake: 'woken up',
  resolve: 'resolved',
  cancel: 'canceled',
  reopen: 'reopened',
  spam: 'marked as spam',
  not_spam: 'restored from spam',
  follow: 'followed',
  unfollow: 'unfollowed',
};
