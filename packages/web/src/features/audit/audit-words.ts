/** Words for the audit log: what each action says, the families the page filters by, and field names. */

/** The families of actions the page filters by (the API takes `prefix.`), in the order shown. */
export const AUDIT_FAMILIES: { value: string; label: string }[] = [
  { value: 'sign_in.', label: 'Sign-ins' },
  { value: 'user.', label: 'Users' },
  { value: 'invitation.', label: 'Invitations' },
  { value: 'two_factor.', label: 'Two-factor sign-in' },
  { value: 'password_reset.', label: 'Password resets' },
  { value: 'team.', label: 'Teams' },
  { value: 'role.', label: 'Roles' },
  { value: 'token.', label: 'API tokens' },
  { value: 'channel.', label: 'Channels' },
  { value: 'webhook.', label: 'Webhooks' },
  { value: 'blocklist_entry.', label: 'Blocklist' },
  { value: 'case_field.', label: 'Case fields' },
  { value: 'calendar.', label: 'Business hours' },
  { value: 'sla_policy.', label: 'SLA policies' },
  { value: 'canned_reply.', label: 'Canned replies' },
  { value: 'macro.', label: 'Macros' },
  { value: 'sso_settings.', label: 'Single sign-on' },
  { value: 'organisation.', label: 'Organisation' },
  { value: 'access.', label: 'Refused changes' },
  { value: 'audit_log.', label: 'Retention' },
];

const THINGS: Record<string, string> = {
  user: 'user',
  team: 'team',
  role: 'role',
  token: 'API token',
  channel: 'channel',
  webhook: 'webhook',
  blocklist_entry: 'blocklist entry',
  case_field: 'case field',
  calendar: 'business-hours calendar',
  sla_policy: 'SLA policy',
  canned_reply: 'shared canned reply',
  macro: 'shared macro',
  invitation: 'invitation',
};

const SENTENCES: Record<string, string> = {
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Sign-in failed',
  'sign_in.second_factor_needed': 'Password accepted, code asked',
  sign_out: 'Signed out',
  'password_reset.requested': 'Password reset asked for',
  'password_reset.completed': 'Password reset',
  'two_factor.enabled': 'Turned on two-factor sign-in',
  'two_factor.disabled': 'Turned off two-factor sign-in',
  'two_factor.reset': 'Reset two-factor sign-in',
  'invitation.sent': 'Sent an invitation',
  'invitation.resent': 'Resent an invitation',
  'invitation.revoked': 'Revoked an invitation',
  'invitation.accepted': 'Accepted an invitation',
  'token.revoked': 'Revoked an API token',
  'sso_settings.changed': 'Changed single sign-on',
  'sso_settings.refused': 'Single sign-on change refused',
  'organisation.updated': 'Changed organisation settings',
  'audit_log.pruned': 'Removed entries past retention',
  'access.refused': 'Change refused (no permission)',
};

const VERBS: Record<string, string> = { created: 'Created', updated: 'Changed', deleted: 'Deleted' };

/** The action as a short sentence: "Changed team", "Sign-in failed"; unknown ones as they are. */
export function actionSentence(action: string): string {
  if (SENTENCES[action]) return SENTENCES[action];
  const [thing, verb] = action.split('.');
  const word = thing ? THINGS[thing] : undefined;
  return word && verb && VERBS[verb] ? `${VERBS[verb]} ${word}` : action;
}

/** Whether the entry records a refusal or failure (shown in red). */
export const isFailure = (action: string) => /\.(failed|refused)$/.test(action);

const REASONS: Record<string, string> = {
  wrong_password: 'wrong email or password',
  wrong_code: 'wrong code',
  too_many_codes: 'too many wrong codes',
  pending_expired: 'sign-in expired',
  password_sign_in_off: 'password sign-in is off',
  forbidden: 'the role lacks the permission',
};

/** A failure's reason in words (the API's code when there is no word for it). */
export const reasonWords = (reason: unknown) => (typeof reason === 'string' ? (REASONS[reason] ?? reason.replaceAll('_', ' ')) : null);

/** A field name in words: `maxOpenPerUser` → "max open per user", `secret.authToken` → "auth token (secret)". */
export function fieldWords(field: string): string {
  const secret = field.startsWith('secret.');
  const name = (secret ? field.slice(7) : field)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replaceAll('_', ' ')
    .toLowerCase();
  return secret ? `${name} (secret)` : name;
}
