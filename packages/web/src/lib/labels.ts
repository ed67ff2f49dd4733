import type { CaseAction, CaseStatus, CaseType, SectionKey } from "../api/types";

export const TYPE_LABELS: Record<CaseType, string> = {
  web_connect: "Web Connect",
  support_sdk: "Support SDK",
  phone: "Phone",
  email: "Email",
  sms: "SMS",
  platform: "Platform",
};

export const STATUS_LABELS: Record<CaseStatus, string> = {
  new: "New",
  ready: "Ready",
  waiting: "Waiting",
  resolved: "Resolved",
  closed: "Closed",
  canceled: "Canceled",
};

export const ALL_STATUSES = Object.keys(STATUS_LABELS) as CaseStatus[];
export const ALL_TYPES = Object.keys(TYPE_LABELS) as CaseType[];

/** Menu labels; an ellipsis means the action opens a dialog for more input. */
export const ACTION_LABELS: Record<CaseAction, string> = {
  claim: "Claim",
  assign: "Assign…",
  unassign: "Unassign",
  set_waiting: "Set waiting…",
  wake: "Wake",
  resolve: "Resolve…",
  cancel: "Cancel case",
  reopen: "Reopen",
  follow: "Follow",
  unfollow: "Unfollow",
  open_chat: "Open chat",
  message: "Reply",
};

/** The order actions appear in menus and toolbars. */
export const ACTION_ORDER: CaseAction[] = [
  "claim",
  "open_chat",
  "assign",
  "unassign",
  "set_waiting",
  "wake",
  "resolve",
  "reopen",
  "follow",
  "unfollow",
  "cancel",
];

export const SECTION_ORDER: SectionKey[] = ["active_chats", "ready", "waiting", "solved_today", "following"];

export const SECTION_TITLES: Record<SectionKey, string> = {
  active_chats: "Active Chat Sessions",
  ready: "Ready To Solve",
  waiting: "Waiting For Updates",
  solved_today: "Solved Today",
  following: "Open Cases I'm Following",
};

export const SECTION_EMPTY: Record<SectionKey, string> = {
  active_chats: "No active chats right now.",
  ready: "Nothing ready to solve. Claim the next case above.",
  waiting: "No cases waiting for updates.",
  solved_today: "Nothing solved yet today.",
  following: "You're not following any open cases.",
};

export function menuActions(actions: CaseAction[]): CaseAction[] {
  return ACTION_ORDER.filter((action) => actions.includes(action));
}
