import { isAdministrator } from './accounts.ts';

/**
 * Single sign-on with OpenID Connect (SPEC §14): who may sign in with a password while single
 * sign-on is on, and what a verified sign-in at the provider leads to in Casework. Pure: the
 * provider's claims and the matching user are arguments.
 */

/** The organisation setting: who may still sign in with a password while single sign-on is on. */
export const PASSWORD_LOGIN_SETTINGS = ['everyone', 'admins'] as const;
export type PasswordLogin = (typeof PASSWORD_LOGIN_SETTINGS)[number];

/**
 * Whether a user may sign in with a password. Limiting passwords to administrators takes effect
 * only while single sign-on is on, so switching it off can never lock everyone out; administrators
 * keep their password so a broken provider cannot lock them out either.
 */
export function passwordSignInAllowed(
  setting: { ssoEnabled: boolean; passwordLogin: PasswordLogin },
  permissions: ReadonlySet<string>,
): boolean {
  if (!setting.ssoEnabled || setting.passwordLogin === 'everyone') return true;
  return isAdministrator(permissions);
}

/** Why a sign-in through the provider was refused (the login page words each; the audit records it). */
export const SSO_REFUSALS = [
  'sso_off',
  'state_missing',
  'state_mismatch',
  'provider_error',
  'token_invalid',
  'email_missing',
  'email_unverified',
  'unknown_user',
  'user_inactive',
  'invitation_invalid',
  'invitation_email_mismatch',
  'default_role_missing',
] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

/** What the provider vouched for (from the ID token, or the userinfo answer when the token lacks it). */
export type SsoIdentity = { email: string | null; emailVerified: unknown };
/** The Casework user with that email, if any. */
export type SsoMatch = { id: string; active: boolean } | null;
export type SsoSettingsFacts = { createUsers: boolean };
/** An invitation the sign-in accepts (opened from its mail), if any. */
export type SsoInvitation = { email: string } | null;

export type SsoOutcome =
  | { kind: 'sign_in'; userId: string }
  | { kind: 'create' }
  | { kind: 'accept_invitation' }
  | { kind: 'refused'; reason: SsoRefusal };

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * What a sign-in at the provider leads to. Users are matched by email only when the provider says
 * the address is verified (`email_verified` exactly true): an unverified address could be anyone's.
 * An invitation is accepted only by the address it was sent to, and only if no account has it yet.
 * Otherwise an active user with the address signs in; an unknown address gets an account when the
 * organisation creates users on first sign-in, and is refused when only existing users may.
 */
export function ssoOutcome(
  identity: SsoIdentity,
  match: SsoMatch,
  settings: SsoSettingsFacts,
  invitation: SsoInvitation = null,
): SsoOutcome {
  if (!identity.email?.trim()) return { kind: 'refused', reason: 'email_missing' };
  if (identity.emailVerified !== true) return { kind: 'refused', reason: 'email_unverified' };
  if (invitation) {
    if (!sameEmail(invitation.email, identity.email)) return { kind: 'refused', reason: 'invitation_email_mismatch' };
    if (!match) return { kind: 'accept_invitation' };
  }
  if (match) return match.active ? { kind: 'sign_in', userId: match.id } : { kind: 'refused', reason: 'user_inactive' };
  return settings.createUsers ? { kind: 'create' } : { kind: 'refused', reason: 'unknown_user' };
}

/** The scopes asked for: space-separated, `openid` always among them (added first when missing). */
export function ssoScopes(raw: string): string[] {
  const scopes = [...new Set(raw.split(/\s+/).filter(Boolean))];
  return scopes.includes('openid') ? scopes : ['openid', ...scopes];
}

/**
 * Where to go after signing in: a path of this site only (no scheme, no `//host`, no backslash
 * that a browser would read as a slash, no control characters), never the sign-in page itself;
 * anything else goes home. Guards the sign-in's return address against open redirects.
 */
export function safeReturnPath(next: string | null | undefined): string {
  if (!next || next.length > 2000 || !next.startsWith('/') || next.startsWith('//')) return '/';
  const unsafe = [...next].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (unsafe || next.startsWith('/login')) return '/';
  return next;
}
