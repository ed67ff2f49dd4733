import {
  afterSecondFactorFailure,
  RECOVERY_CODE_COUNT,
  secondFactorAllowed,
  twoFactorRequired,
  type TwoFactorPolicy,
} from '@casework/domain';
import type { Kysely } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Database } from '../../db/schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { decryptSecret, encryptSecret } from '../../db/secrets.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import {
  canonicalRecoveryCode,
  checkTotp,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUrl,
  qrCodeDataUrl,
  recoveryCodeMatches,
} from '../../auth/totp.ts';
import { conflict, invalid, notFound, Problem } from '../../errors.ts';
import { uuidv7 } from '../../ids.ts';
import { recordAccountEvent, type RequestOrigin } from './account-events.ts';

export async function organisationPolicy(db: Kysely<Database>): Promise<TwoFactorPolicy> {
  const o = await db.selectFrom('organisation').select('two_factor_required').where('id', '=', 1).executeTakeFirstOrThrow();
  return o.two_factor_required as TwoFactorPolicy;
}

/** Starts enrolment: a new secret (kept encrypted until a code confirms it), its otpauth URL and QR code. */
export async function setUpTwoFactor(deps: Deps, actor: AppUser): Promise<{ secret: string; otpauthUrl: string; qrCode: string }> {
  const db = deps.db.kysely;
  const row = await db.selectFrom('users').select(['totp_enabled_at']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  if (row.totp_enabled_at) throw conflict('Two-factor sign-in is already on. Turn it off first to set up another device.');
  const secret = newTotpSecret();
  await db
    .updateTable('users')
    .set({ totp_pending_secret: await encryptSecret(db, secret) })
    .where('id', '=', actor.id)
    .execute();
  const org = await db.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirstOrThrow();
  const url = otpauthUrl(secret, actor.email, `Casework (${org.name})`);
  return { secret, otpauthUrl: url, qrCode: await qrCodeDataUrl(url) };
}

type Failures = { second_factor_failures: number; second_factor_failed_at: Date | null };

/** Refuses (429) while the user has used up their wrong codes; the domain decides. */
function assertMayTry(row: Failures, now: Date): void {
  const allowed = secondFactorAllowed({ count: row.second_factor_failures, since: row.second_factor_failed_at }, now);
  if (!allowed.allowed) {
    const seconds = Math.ceil(allowed.retryAfterMs / 1000);
    throw new Problem(
      429,
      'rate_limited',
      'Too many wrong codes',
      `Too many wrong codes: try again in ${Math.ceil(seconds / 60)} minutes.`,
      {
        retryAfter: seconds,
      },
    );
  }
}

async function countFailure(db: Kysely<Database>, userId: string, row: Failures, now: Date): Promise<void> {
  const next = afterSecondFactorFailure({ count: row.second_factor_failures, since: row.second_factor_failed_at }, now);
  await db
    .updateTable('users')
    .set({ second_factor_failures: next.count, second_factor_failed_at: next.since })
    .where('id', '=', userId)
    .execute();
}

/** Confirms enrolment with a code from the app: the second factor is on, and ten recovery codes are shown once. */
export async function confirmTwoFactor(
  deps: Deps,
  actor: AppUser,
  code: string,
  origin: RequestOrigin,
): Promise<{ recoveryCodes: string[] }> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const row = await db
    .selectFrom('users')
    .select(['totp_pending_secret', 'totp_enabled_at', 'second_factor_failures', 'second_factor_failed_at'])
    .where('id', '=', actor.id)
    .executeTakeFirstOrThrow();
  if (row.totp_enabled_at) throw conflict('Two-factor sign-in is already on.');
  if (!row.totp_pending_secret) throw conflict('Start the set-up first (POST /api/v1/me/2fa/setup).');
  assertMayTry(row, now);
  const step = await checkTotp(await decryptSecret(db, row.totp_pending_secret), code.trim(), now, null);
  if (step === null) {
    await countFailure(db, actor.id, row, now);
    throw invalid(
      [{ field: 'code', message: 'is not correct' }],
      'The code is not correct. Check the time on your phone and try the current code.',
    );
  }
  const codes = newRecoveryCodes(RECOVERY_CODE_COUNT);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        totp_secret: row.totp_pending_secret,
        totp_pending_secret: null,
        totp_enabled_at: now,
        totp_last_step: step,
        second_factor_failures: 0,
        second_factor_failed_at: null,
      })
      .where('id', '=', actor.id)
      .execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', actor.id).execute();
    await trx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ id: uuidv7(), user_id: actor.id, code_hash: hashRecoveryCode(c) })))
      .execute();
    await recordAccountEvent(trx, deps, { type: 'two_factor.enabled', userId: actor.id }, origin);
  });
  return { recoveryCodes: codes };
}

async function clearSecondFactor(trx: Kysely<Database>, userId: string): Promise<boolean> {
  const r = await trx
    .updateTable('users')
    .set({
      totp_secret: null,
      totp_pending_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      second_factor_failures: 0,
      second_factor_failed_at: null,
    })
    .where('id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await trx.deleteFrom('pending_sign_ins').where('user_id', '=', userId).execute();
  return Boolean(r);
}

/** The user turns their second factor off (their password confirms it), unless the organisation requires it. */
export async function disableTwoFactor(deps: Deps, actor: AppUser, password: string, origin: RequestOrigin): Promise<void> {
  const db = deps.db.kysely;
  if (twoFactorRequired(await organisationPolicy(db), actor.permissions)) {
    throw conflict('Your organisation requires two-factor sign-in, so it cannot be turned off.');
  }
  const row = await db
    .selectFrom('users')
    .select(['password_hash', 'totp_enabled_at'])
    .where('id', '=', actor.id)
    .executeTakeFirstOrThrow();
  if (!row.totp_enabled_at) throw conflict('Two-factor sign-in is not on.');
  if (!(await verifyPassword(row.password_hash, password))) throw invalid([{ field: 'password', message: 'is not correct' }]);
  await db.transaction().execute(async (trx) => {
    await clearSecondFactor(trx, actor.id);
    await recordAccountEvent(trx, deps, { type: 'two_factor.disabled', userId: actor.id }, origin);
  });
}

/** An administrator resets a user's second factor (lost phone): they sign in with the password and enrol again. */
export async function resetTwoFactor(deps: Deps, actor: AppUser, userId: string, origin: RequestOrigin): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await clearSecondFactor(trx, userId))) throw notFound('User');
    await recordAccountEvent(trx, deps, { type: 'two_factor.reset', userId, actorId: actor.id }, origin);
  });
}

/**
 * Checks a second-factor code at sign-in: a TOTP code (never one at or before the last step
 * accepted) or an unused recovery code (used up in the same conditional UPDATE). Wrong codes count
 * against the user (the domain's limit), whichever pending sign-in they came through.
 */
export async function checkSecondFactor(
  deps: Deps,
  userId: string,
  typed: string,
): Promise<{ ok: true; method: 'totp' | 'recovery_code' } | { ok: false }> {
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const row = await db
    .selectFrom('users')
    .select(['totp_secret', 'totp_last_step', 'second_factor_failures', 'second_factor_failed_at'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  assertMayTry(row, now);
  const code = typed.trim().replace(/\s/g, '');
  let method: 'totp' | 'recovery_code' | null = null;
  if (/^\d{6}$/.test(code) && row.totp_secret) {
    const step = await checkTotp(
      await decryptSecret(db, row.totp_secret),
      code,
      now,
      row.totp_last_step === null ? null : Number(row.totp_last_step),
    );
    // Conditional on the last step, so two requests with one code cannot both pass.
    const taken =
      step !== null &&
      (await db
        .updateTable('users')
        .set({ totp_last_step: step, second_factor_failures: 0, second_factor_failed_at: null })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
        .returning('id')
        .executeTakeFirst());
    if (taken) method = 'totp';
  } else {
    const recovery = canonicalRecoveryCode(code);
    const stored = recovery
      ? await db
          .selectFrom('recovery_codes')
          .select(['id', 'code_hash'])
          .where('user_id', '=', userId)
          .where('used_at', 'is', null)
          .execute()
      : [];
    const match = recovery ? stored.find((s) => recoveryCodeMatches(recovery, s.code_hash)) : undefined;
    const used =
      match &&
      (await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('id', '=', match.id)
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst());
    if (used) {
      method = 'recovery_code';
      await db.updateTable('users').set({ second_factor_failures: 0, second_factor_failed_at: null }).where('id', '=', userId).execute();
    }
  }
  if (method) return { ok: true, method };
  await countFailure(db, userId, row, now);
  return { ok: false };
}

/** How many recovery codes the user has left (shown on their security settings). */
export async function recoveryCodesLeft(db: Kysely<Database>, userId: string): Promise<number> {
  const r = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
