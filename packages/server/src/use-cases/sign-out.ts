import type { Deps } from '../deps.ts';
import { sha256 } from '../ids.ts';

/** Ends the session whose cookie token this is (nothing if there is none). */
export async function signOut(deps: Deps, sessionToken: string): Promise<void> {
  await deps.db.kysely.deleteFrom('sessions').where('id', '=', sha256(sessionToken)).execute();
}
