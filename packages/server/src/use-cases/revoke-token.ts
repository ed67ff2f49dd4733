import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { notFound } from '../errors.ts';
import { recordAudit } from './audit/record-audit.ts';

/** Revokes a token: one's own, or any with admin.tokens; someone else's is not found. */
export async function revokeToken(deps: Deps, actor: AppUser, tokenId: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    let q = trx.updateTable('api_tokens').set({ revoked_at: deps.clock.now() }).where('id', '=', tokenId).where('revoked_at', 'is', null);
    if (!actor.permissions.has('admin.tokens')) q = q.where('user_id', '=', actor.id);
    const r = await q.returning(['name', 'user_id', 'channel_id']).executeTakeFirst();
    if (!r) throw notFound('Token');
    await recordAudit(trx, deps, actor, {
      action: 'token.revoked',
      target: { type: 'token', id: tokenId, label: r.name },
      before: { revoked: false },
      after: { revoked: true },
      detail: { userId: r.user_id, channelId: r.channel_id },
    });
  });
}
