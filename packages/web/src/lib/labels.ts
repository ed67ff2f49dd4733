import { TYPE_LABEL } from '@casework/domain';
import type { CaseAction, CaseStatus, CaseType, SectionKey } from '../api/types';

/** Channels as people name them (never the raw type id): the domain's one table. */
export const TYPE_LABELS: Record<CaseType, string> = TYPE_LABEL;

/** A message's channel (a case type, or "note") in words; an unknown one is not shown raw. */
export function channelLabel(channel: string): string {
  if (channel === 'note') return 'Internal note';
  return TYPE_LABELS[channel as CaseType] ?? 'Other channel';
}

export const STATUS_LABELS: Record<CaseStatus, string> = {
  new: 'New',
  ready: 'Ready',
  waiting: 'Waiting',
  resolved: 'Resolved',
  closed: 'Closed',
  canceled: 'Canceled',
};

export const ALL_STATUSES = Object.keys(STATUS_LABELS) as CaseStatus[];
export const ALL_TYPES = Object.keys(TYPE_LABELS) as CaseType[];

/** Menu labels; an ellipsis means the action opens a dialog for more input. */
export const ACTION_LABELS: Record<CaseAction, string> = {
  claim: 'Claim',
  assign: 'Assign…',
  unassign: 'Unassign',
  set_waiting: 'Set waiting…',
  wake: 'Wake',
  resolve: 'Resolve…',
  cancel: 'Cancel case',
  reopen: 'Reopen',
  follow: 'Follow',
  unfollow: 'Unfollow',
  open_chat: 'Open chat',
  message: 'Reply',
};

/** The order actions appear in menus and toolbars. */
export const ACTION_ORDER: CaseAction[] = [
  'claim',
  'open_chat',
  'assign',
  'unassign',
  'set_waiting',
  'wake',
  'resolve',
  'reopen',
  'follow',
  'unfollow',
  'cancel',
];

export const SECTION_ORDER: SectionKey[] = ['active_chats', 'ready', 'waiting', 'solved_today', 'following'];

export const SECTION_TITLES: Record<SectionKey, string> = {
  active_chats: 'Active Chat Sessions',
  ready: 'Ready To Solve',
  waiting: 'Waiting For Updates',
  solved_today: 'Solved Today',
  following: "Open Cases I'm Following",
};

export const SECTION_EMPTY: Record<SectionKey, string> = {
  active_chats: 'No active chats right now.',
  ready: 'Nothing ready to solve. Claim the next case above.',
  waiting: 'No cases waiting for updates.',
  solved_today: 'Nothing solved yet today.',
  following: "You're not following any open cases.",
};

/** What an empty section says: only someone who may claim is pointed at the claim button. */
export function sectionEmpty(key: SectionKey, canClaim: boolean): string {
  return key === 'ready' && !canClaim ? 'Nothing ready to solve.' : SECTION_EMPTY[key];
}

export function menuActions(actions: CaseAction[]): CaseAction[] {
  return ACTION_ORDER.filter((action) => actions.includes(action));
}
