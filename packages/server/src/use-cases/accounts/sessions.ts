import { expiryOf } from '@casework/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { findSessionUser, type AppUser } from '../../auth/actor.ts';
import { randomToken, sha256 } from '../../ids.ts';

export type StartedSession = { token: string; expires: Date; user: AppUser };

/** A new session for the user (in `q`: the sign-in's transaction): its token (shown once, for the cookie) is stored only as its hash. */
export async function startSession(deps: Deps, userId: string, q: Kysely<Database> = deps.db.kysely): Promise<StartedSession> {
  const now = deps.clock.now();
  const token = randomToken('', 32);
  const expires = new Date(now.getTime() + deps.config.sessionDays * 86_400_000);
  await q
    .insertInto('sessions')
    .values({ id: sha256(token), user_id: userId, created_at: now, expires_at: expires, last_seen_at: now })
    .execute();
  return { token, expires, user: (await findSessionUser(q, sha256(token), now))! };
}

export type PendingSignIn = { token: string; expires: Date };

/** A sign-in waiting for the second factor (not a session): its token, for the cookie, is stored only as its hash. */
export async function startPendingSignIn(deps: Deps, userId: string, q: Kysely<Database> = deps.db.kysely): Promise<PendingSignIn> {
  const now = deps.clock.now();
  const token = randomToken('', 32);
  const expires = expiryOf('pending_sign_in', now);
  await q
    .insertInto('pending_sign_ins')
    .values({ id: sha256(token), user_id: userId, created_at: now, expires_at: expires })
    .execute();
  return { token, expires };
}
