import { PERMISSIONS, type Permission } from './permissions.ts';

/**
 * Accounts (SPEC §14): how long a mailed link works, who must use a second factor, and how many
 * wrong second-factor codes a user may enter. Pure: the clock and the facts are arguments.
 */

const HOUR = 3_600_000;

/** How long each kind of single-use link or pending state lasts. */
export const VALIDITY_MS = {
  /** An invitation link (SPEC §14: 24 h). */
  invitation: 24 * HOUR,
  /** A password reset link: shorter, as it takes over an existing account. */
  password_reset: HOUR,
  /** Between a correct password and the second factor: not a session, only long enough to type a code. */
  pending_sign_in: 10 * 60_000,
  /** A single sign-on started here and not yet back from the provider (its state, nonce and PKCE verifier). */
  sso_sign_in: 10 * 60_000,
} as const;
export type OneTimeKind = keyof typeof VALIDITY_MS;

/** The facts of a stored single-use link. */
export type OneTimeFacts = { expiresAt: Date; usedAt: Date | null; revokedAt?: Date | null };
export type OneTimeState = 'valid' | 'used' | 'revoked' | 'expired';

/**
 * Whether a single-use link may still be used. Used wins over revoked over expired, so a
 * refusal names the first thing that happened to it. Valid strictly before its expiry.
 */
export function oneTimeState(link: OneTimeFacts, now: Date): OneTimeState {
  if (link.usedAt) return 'used';
  if (link.revokedAt) return 'revoked';
  if (now.getTime() >= link.expiresAt.getTime()) return 'expired';
  return 'valid';
}

/** When a link of this kind made now stops working. */
export function expiryOf(kind: OneTimeKind, now: Date): Date {
  return new Date(now.getTime() + VALIDITY_MS[kind]);
}

/** The organisation setting: who must sign in with a second factor. */
export const TWO_FACTOR_POLICIES = ['off', 'admins', 'everyone'] as const;
export type TwoFactorPolicy = (typeof TWO_FACTOR_POLICIES)[number];

/**
 * The permissions that make someone an administrator for the two-factor rule: those that change
 * who may do what or where data goes (users, teams, roles, channels, tokens, fields). Sharing saved
 * views (admin.views, which supervisors hold) does not.
 */
export const ADMINISTRATIVE_PERMISSIONS = PERMISSIONS.filter((p) => p.startsWith('admin.') && p !== 'admin.views') as Permission[];

export function isAdministrator(permissions: ReadonlySet<string>): boolean {
  return ADMINISTRATIVE_PERMISSIONS.some((p) => permissions.has(p));
}

/** Whether the organisation's policy requires this user (by their role's permissions) to use a second factor. */
export function twoFactorRequired(policy: TwoFactorPolicy, permissions: ReadonlySet<string>): boolean {
  if (policy === 'everyone') return true;
  if (policy === 'admins') return isAdministrator(permissions);
  return false;
}

/** What follows a correct password: a session, the second factor first, or a session that may only enrol. */
export type PasswordSignInStep = 'signed_in' | 'second_factor' | 'enrol';

/**
 * After a correct password: a user with a second factor must give it before any session exists;
 * one the policy requires to have it but who has none gets a session that can only enrol.
 */
export function stepAfterPassword(
  user: { twoFactorEnabled: boolean; permissions: ReadonlySet<string> },
  policy: TwoFactorPolicy,
): PasswordSignInStep {
  if (user.twoFactorEnabled) return 'second_factor';
  return twoFactorRequired(policy, user.permissions) ? 'enrol' : 'signed_in';
}

/** Wrong second-factor codes a user may enter within the window before further tries are refused. */
export const SECOND_FACTOR_LIMIT = { failures: 5, windowMs: 15 * 60_000 } as const;

/** A user's recent wrong codes: how many, since when (null: none counted). */
export type SecondFactorFailures = { count: number; since: Date | null };

const windowOver = (f: SecondFactorFailures, now: Date) => !f.since || now.getTime() - f.since.getTime() >= SECOND_FACTOR_LIMIT.windowMs;

/**
 * Whether another code may be tried now; if not, how long until the window that counted the
 * failures ends. Counted per user (not per pending sign-in), so starting over does not earn tries.
 */
export function secondFactorAllowed(f: SecondFactorFailures, now: Date): { allowed: true } | { allowed: false; retryAfterMs: number } {
  if (windowOver(f, now) || f.count < SECOND_FACTOR_LIMIT.failures) return { allowed: true };
  return { allowed: false, retryAfterMs: f.since!.getTime() + SECOND_FACTOR_LIMIT.windowMs - now.getTime() };
}

/** The failures after one more wrong code: a new window starts when the last one is over. */
export function afterSecondFactorFailure(f: SecondFactorFailures, now: Date): SecondFactorFailures {
  return windowOver(f, now) ? { count: 1, since: now } : { count: f.count + 1, since: f.since };
}

/** How many recovery codes a user gets when they enrol (each works once). */
export const RECOVERY_CODE_COUNT = 10;
