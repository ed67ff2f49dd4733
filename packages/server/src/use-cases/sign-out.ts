import type { Deps } from '../deps.ts';
import { sha256 } from '../ids.ts';
import { recordAccountEvent, type RequestOrigin } from './accounts/account-events.ts';

/** Ends the session whose cookie token this is (nothing if there is none); the audit log records it. */
export async function signOut(deps: Deps, sessionToken: string, origin: RequestOrigin | null = null): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('sessions').where('id', '=', sha256(sessionToken)).returning('user_id').executeTakeFirst();
    if (gone) await recordAccountEvent(trx, deps, { type: 'signed_out', userId: gone.user_id }, origin);
  });
}
