import { sql } from 'kysely';
import type { Deps } from '../deps.ts';
import { findSessionUser, type AppUser } from '../auth/actor.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { Problem } from '../errors.ts';
import { randomToken, sha256 } from '../ids.ts';

/**
 * Signs in with email and password: a new session whose token (shown once, for the cookie) is
 * stored only as its hash. A wrong email, a wrong password and a deactivated user fail alike.
 */
export async function signIn(
  deps: Deps,
  input: { email: string; password: string },
): Promise<{ token: string; expires: Date; user: AppUser }> {
  const now = deps.clock.now();
  const user = await deps.db.kysely
    .selectFrom('users')
    .select(['id', 'password_hash', 'active'])
    .where(sql`lower(email)`, '=', input.email.trim().toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(user?.active ? user.password_hash : null, input.password);
  if (!user || !ok) throw new Problem(401, 'unauthenticated', 'Sign-in failed', 'The email or password is not correct.');
  const token = randomToken('', 32);
  const expires = new Date(now.getTime() + deps.config.sessionDays * 86_400_000);
  await deps.db.kysely
    .insertInto('sessions')
    .values({ id: sha256(token), user_id: user.id, created_at: now, expires_at: expires, last_seen_at: now })
    .execute();
  return { token, expires, user: (await findSessionUser(deps.db.kysely, sha256(token), now))! };
}
