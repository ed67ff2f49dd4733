/**
 * The web app's words for the domain's vocabulary. The lists themselves (statuses, case types,
 * actions, My Work sections and their titles) and the channel names are the domain's.
 */
import { isCaseType, TYPE_LABEL, type CaseAction, type SectionKey, type Status } from '@casework/domain';

/** A message's channel (a case type, or "note") in words; an unknown one is not shown raw. */
export function channelLabel(channel: string): string {
  if (channel === 'note') return 'Internal note';
  return isCaseType(channel) ? TYPE_LABEL[channel] : 'Other channel';
}

export const STATUS_LABELS: Record<Status, string> = {
  new: 'New',
  ready: 'Ready',
  waiting: 'Waiting',
  resolved: 'Resolved',
  closed: 'Closed',
  canceled: 'Canceled',
  spam: 'Spam',
};

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
  spam: 'Mark as spam…',
  not_spam: 'Not spam',
  follow: 'Follow',
  unfollow: 'Unfollow',
  open_chat: 'Open chat',
  message: 'Reply',
  edit: 'Edit case',
};

/** The order actions appear in menus and toolbars. */
const ACTION_ORDER: CaseAction[] = [
  'claim',
  'open_chat',
  'assign',
  'unassign',
  'set_waiting',
  'wake',
  'resolve',
  'reopen',
  'not_spam',
  'follow',
  'unfollow',
  'cancel',
  'spam',
];

const SECTION_EMPTY: Record<SectionKey, string> = {
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
