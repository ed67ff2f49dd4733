import { sql } from 'kysely';
import { expiryOf } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { newOneTimeLink } from '../../auth/one-time-links.ts';
import { sendAccountMail } from '../../channels/email/send-account-mail.ts';
import { passwordResetMail, tokenLink } from './account-mails.ts';
import { recordAccountEvent, type RequestOrigin } from './account-events.ts';
import { checkToken, tokenRefused } from './one-time-tokens.ts';

/** The web page a reset link opens. */
export const RESET_PAGE = '/reset-password';

/**
 * Someone asks for a password reset link for an address. The answer never says whether the
 * address has an account: the same work runs either way (a link is made and one INSERT … SELECT
 * statement stores it only if an active user has the address), and the mail leaves after the
 * answer, so neither the status nor the timing differs. The mail goes out only for an account.
 */
export async function requestPasswordReset(deps: Deps, email: string, origin: RequestOrigin): Promise<void> {
  const now = deps.clock.now();
  const link = newOneTimeLink(now.getTime());
  // The link and its audit entry commit together (the entry is written whether or not there is an account).
  const user = await deps.db.kysely.transaction().execute(async (trx) => {
    const r = await sql<{ id: string; email: string; name: string }>`
      WITH u AS (SELECT id, email, name FROM users WHERE lower(email) = ${email.trim().toLowerCase()} AND active),
      made AS (
        INSERT INTO password_resets (id, user_id, secret_hash, created_at, expires_at)
        SELECT ${link.id}::uuid, u.id, ${link.secretHash}, ${now}, ${expiryOf('password_reset', now)} FROM u
        RETURNING user_id)
      SELECT u.id::text AS id, u.email, u.name FROM u JOIN made ON made.user_id = u.id`.execute(trx);
    await recordAccountEvent(trx, deps, { type: 'password_reset.requested', userId: r.rows[0]?.id ?? null }, origin);
    return r.rows[0];
  });
  if (!user) return;
  const mail = passwordResetMail(user, tokenLink(deps.config, RESET_PAGE, link.token));
  void sendAccountMail(deps, mail).catch((err: Error) => deps.log.warn({ err: err.message }, 'password reset mail not sent'));
}

/**
 * Sets a new password with a reset link: once (the link is marked used in the same conditional
 * UPDATE that checks it was not), within its hour, for an active user. Every session and pending
 * sign-in of the user ends, and the user's other reset links stop working.
 */
export async function confirmPasswordReset(deps: Deps, input: { token: string; password: string }, origin: RequestOrigin): Promise<void> {
  const now = deps.clock.now();
  const db = deps.db.kysely;
  const link = await checkToken(
    input.token,
    async (id) => {
      const row = await db
        .selectFrom('password_resets as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.user_id', 'r.secret_hash', 'r.expires_at', 'r.used_at', 'u.active'])
        .where('r.id', '=', id)
        .executeTakeFirst();
      return (
        row && { userId: row.user_id, secretHash: row.secret_hash, expiresAt: row.expires_at, usedAt: row.used_at, active: row.active }
      );
    },
    now,
  );
  if (!link.active) throw tokenRefused('forged');
  const passwordHash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    const taken = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('id', '=', link.id)
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!taken) throw tokenRefused('used');
    await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', link.userId).execute();
    await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', link.userId)
      .where('used_at', 'is', null)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', link.userId).execute();
    await trx.deleteFrom('pending_sign_ins').where('user_id', '=', link.userId).execute();
    await recordAccountEvent(trx, deps, { type: 'password_reset.completed', userId: link.userId }, origin);
  });
}
