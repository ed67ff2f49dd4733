import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import { forbidden, invalid } from '../errors.ts';
import { randomToken, sha256, uuidv7 } from '../ids.ts';
import { recordAudit } from './audit/record-audit.ts';

export type CreatedToken = { id: string; name: string; userId: string; channelId: string | null; createdAt: Date; token: string };

/** A channel scope needs a channel administrator, and a channel that exists. */
async function tokenChannel(db: Kysely<Database>, actor: AppUser, channelId: string | undefined): Promise<string | null> {
  if (channelId === undefined) return null;
  if (!actor.permissions.has('admin.tokens') && !actor.permissions.has('admin.channels')) {
    throw forbidden('admin.tokens', 'Only token or channel administrators may mint channel tokens.');
  }
  const ch = await db
    .selectFrom('channels')
    .select('id')
    .where('id', '=', channelId.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!ch) throw invalid([{ field: 'channelId', message: 'no such channel' }]);
  return ch.id;
}

/** Whose token may be minted: one's own always; another user's only with admin.tokens, and only an active one. */
async function tokenOwner(db: Kysely<Database>, actor: AppUser, userId: string | undefined): Promise<string> {
  const id = userId?.toLowerCase() ?? actor.id;
  if (id === actor.id) return id;
  if (!actor.permissions.has('admin.tokens')) throw forbidden('admin.tokens', 'Only token administrators may mint tokens for other users.');
  const user = await db.selectFrom('users').select(['id', 'active']).where('id', '=', id).executeTakeFirst();
  if (!user) throw invalid([{ field: 'userId', message: 'no such user' }]);
  if (!user.active) throw invalid([{ field: 'userId', message: 'the user is deactivated' }]);
  return id;
}

/**
 * Mints an API token for the actor, or for another user with admin.tokens, optionally scoped to
 * one channel. The token is returned once; only its hash is stored.
 */
export async function createToken(
  deps: Deps,
  actor: AppUser,
  input: { name: string; userId?: string; channelId?: string },
): Promise<CreatedToken> {
  const db = deps.db.kysely;
  const channelId = await tokenChannel(db, actor, input.channelId);
  const userId = await tokenOwner(db, actor, input.userId);
  const token = randomToken('cw_');
  const row = {
    id: uuidv7(),
    user_id: userId,
    name: input.name.trim(),
    token_hash: sha256(token),
    created_at: deps.clock.now(),
    channel_id: channelId,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('api_tokens').values(row).execute();
    await recordAudit(trx, deps, actor, {
      action: 'token.created',
      target: { type: 'token', id: row.id, label: row.name },
      before: null,
      after: { name: row.name, userId, channelId },
    });
  });
  return { id: row.id, name: row.name, userId, channelId, createdAt: row.created_at, token };
}
