import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { notFound } from '../errors.ts';

/** Revokes a token: one's own, or any with admin.tokens; someone else's is not found. */
export async function revokeToken(deps: Deps, actor: AppUser, tokenId: string): Promise<void> {
  let q = deps.db.kysely
    .updateTable('api_tokens')
    .set({ revoked_at: deps.clock.now() })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null);
  if (!actor.permissions.has('admin.tokens')) q = q.where('user_id', '=', actor.id);
  const r = await q.executeTakeFirst();
  if (r.numUpdatedRows === 0n) throw notFound('Token');
}
