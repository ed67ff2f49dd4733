/** Who may hear about a change: the teams and people the case belonged to before and after. */
export type Audience = { teamIds: string[]; userIds: string[] };

/** The channel on which committed changes are announced to every server process. */
export const EVENTS_CHANNEL = 'casework_events';

/** The live event that tells a user of a new notification (SPEC §11), to that user only. */
export const NOTIFICATION_CREATED = 'notification.created';

/** One user's new notification, as its live event carries it. */
export type NoticeRecipient = { userId: string; id: string; type: string; inApp: boolean; desktop: boolean };

/**
 * One committed change of a case, as announced on EVENTS_CHANNEL. A `notification.created` notice
 * names its `recipients` (each hears only their own, and only while they may see the case: the
 * audience is the case's after the change) and `mail` when some of them get an email.
 */
export type LiveNotice = {
  caseId: string;
  ids: string[];
  types: string[];
  audience: Audience;
  at: string;
  recipients?: NoticeRecipient[];
  mail?: true;
  /** A customer's details changed (CUSTOMER_UPDATED; `caseId` is empty). */
  customerId?: string;
};

/** The live event that tells who may see a customer (canViewCustomer) that their name, email or phone changed. */
export const CUSTOMER_UPDATED = 'customer.updated';

export function dedupe(a: Audience): Audience {
  return { teamIds: [...new Set(a.teamIds)], userIds: [...new Set(a.userIds.filter(Boolean))] };
}

/** Teams and people a case's change concerns (owner, collaborators, team), before and after. */
export function audienceOf(...states: { teamId: string; ownerId: string | null; collaboratorIds: readonly string[] }[]): Audience {
  return {
    teamIds: states.map((s) => s.teamId),
    userIds: states.flatMap((s) => [...(s.ownerId ? [s.ownerId] : []), ...s.collaboratorIds]),
  };
}
