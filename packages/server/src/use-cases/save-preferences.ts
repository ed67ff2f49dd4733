import { isSectionKey, SECTION_KEYS } from '@casework/domain';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { invalid } from '../errors.ts';
import { notifyUser } from '../realtime/hub.ts';

/** Saves which My Work sections the user keeps collapsed, and tells the user's other pages. */
export async function savePreferences(
  deps: Deps,
  actor: AppUser,
  input: { collapsedSections: string[] },
): Promise<{ collapsedSections: string[] }> {
  const keys = [...new Set(input.collapsedSections)];
  const unknown = keys.filter((k) => !isSectionKey(k));
  if (unknown.length)
    throw invalid([{ field: 'collapsedSections', message: `unknown sections: ${unknown.join(', ')} (known: ${SECTION_KEYS.join(', ')})` }]);
  const now = deps.clock.now();
  await deps.db.kysely
    .insertInto('user_preferences')
    .values({ user_id: actor.id, collapsed_sections: keys, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ collapsed_sections: keys, updated_at: now }))
    .execute();
  await notifyUser(deps.db, actor.id, 'preferences.updated', now);
  return { collapsedSections: keys };
}
