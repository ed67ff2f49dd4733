import { sql } from 'kysely';
import { passwordSignInAllowed, stepAfterPassword } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { Problem } from '../errors.ts';
import { sha256 } from '../ids.ts';
import { recordAccountEvent, type RequestOrigin } from './accounts/account-events.ts';
import { startPendingSignIn, startSession, type StartedSession } from './accounts/sessions.ts';
import { loadSsoSettings } from './accounts/sso-settings.ts';
import { checkSecondFactor, organisationPolicy } from './accounts/two-factor.ts';

/** A correct password gives a session, or, for a user with a second factor, a pending sign-in that is no session yet. */
export type SignInResult = { kind: 'session'; session: StartedSession } | { kind: 'second_factor'; token: string; expires: Date };

const failed = () => new Problem(401, 'unauthenticated', 'Sign-in failed', 'The email or password is not correct.');

/**
 * While single sign-on is on, the organisation may keep passwords for administrators only (the
 * domain's `passwordSignInAllowed`); checked after a correct password, so a wrong one still says only that.
 */
export async function assertPasswordSignInAllowed(
  deps: Deps,
  userId: string | null,
  permissions: ReadonlySet<string>,
  origin: RequestOrigin,
) {
  const sso = await loadSsoSettings(deps.db.kysely);
  if (passwordSignInAllowed({ ssoEnabled: sso.enabled, passwordLogin: sso.passwordLogin }, permissions)) return;
  if (userId) await recordAccountEvent(deps.db.kysely, deps, { type: 'sign_in.failed', userId, reason: 'password_sign_in_off' }, origin);
  throw new Problem(
    403,
    'forbidden',
    'Password sign-in is off',
    `Your organisation signs in with ${sso.buttonLabel}: use "Sign in with ${sso.buttonLabel}".`,
    {
      action: 'password_sign_in',
    },
  );
}

/**
 * Signs in with email and password. A wrong email, a wrong password and a deactivated user fail
 * alike. What follows a correct password is the domain's (`stepAfterPassword`): a session (one
 * that may only enrol when the policy requires a second factor the user lacks, see the auth
 * hook), or a pending sign-in, stored hashed, valid a few minutes, that only the code completes.
 */
export async function signIn(deps: Deps, input: { email: string; password: string }, origin: RequestOrigin): Promise<SignInResult> {
  const user = await deps.db.kysely
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.password_hash', 'users.active', 'users.totp_enabled_at', 'roles.permissions'])
    .where(sql`lower(users.email)`, '=', input.email.trim().toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(user?.active ? user.password_hash : null, input.password);
  if (!user || !ok) {
    const email = input.email.trim().toLowerCase().slice(0, 320);
    await recordAccountEvent(
      deps.db.kysely,
      deps,
      { type: 'sign_in.failed', userId: user?.id ?? null, reason: 'wrong_password', email },
      origin,
    );
    throw failed();
  }
  const permissions = new Set(user.permissions);
  await assertPasswordSignInAllowed(deps, user.id, permissions, origin);
  const step = stepAfterPassword(
    { twoFactorEnabled: user.totp_enabled_at !== null, permissions },
    await organisationPolicy(deps.db.kysely),
  );
  return deps.db.kysely.transaction().execute(async (trx): Promise<SignInResult> => {
    if (step === 'second_factor') {
      const pending = await startPendingSignIn(deps, user.id, trx);
      await recordAccountEvent(trx, deps, { type: 'sign_in.second_factor_needed', userId: user.id }, origin);
      return { kind: 'second_factor', ...pending };
    }
    await recordAccountEvent(trx, deps, { type: 'sign_in.succeeded', userId: user.id, method: 'password' }, origin);
    return { kind: 'session', session: await startSession(deps, user.id, trx) };
  });
}

/**
 * Completes a pending sign-in with a TOTP or recovery code: a session, and the pending state is
 * gone. Wrong codes count against the user (429 past the domain's limit); an expired or unknown
 * pending sign-in must start again with the password.
 */
export async function completeSignIn(
  deps: Deps,
  pendingToken: string | undefined,
  code: string,
  origin: RequestOrigin,
): Promise<StartedSession> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const pending = pendingToken
    ? await db
        .selectFrom('pending_sign_ins')
        .select(['id', 'user_id'])
        .where('id', '=', sha256(pendingToken))
        .where('expires_at', '>', now)
        .executeTakeFirst()
    : undefined;
  if (!pending) {
    await recordAccountEvent(db, deps, { type: 'sign_in.failed', userId: null, reason: 'pending_expired' }, origin);
    throw new Problem(401, 'unauthenticated', 'Sign in again', 'Your sign-in has expired. Enter your email and password again.');
  }
  let result: Awaited<ReturnType<typeof checkSecondFactor>>;
  try {
    result = await checkSecondFactor(deps, pending.user_id, code);
  } catch (err) {
    if (err instanceof Problem && err.status === 429)
      await recordAccountEvent(db, deps, { type: 'sign_in.failed', userId: pending.user_id, reason: 'too_many_codes' }, origin);
    throw err;
  }
  if (!result.ok) {
    await recordAccountEvent(db, deps, { type: 'sign_in.failed', userId: pending.user_id, reason: 'wrong_code' }, origin);
    throw new Problem(401, 'unauthenticated', 'Sign-in failed', 'The code is not correct.', {
      fields: [{ field: 'code', message: 'is not correct' }],
    });
  }
  const method = result.method;
  return db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('pending_sign_ins').where('id', '=', pending.id).returning('id').executeTakeFirst();
    if (!gone) throw new Problem(401, 'unauthenticated', 'Sign in again', 'Your sign-in has expired. Enter your email and password again.');
    await recordAccountEvent(trx, deps, { type: 'sign_in.succeeded', userId: pending.user_id, method }, origin);
    return startSession(deps, pending.user_id, trx);
  });
}
