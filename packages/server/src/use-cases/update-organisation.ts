import { canonicalTimeZone } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { invalid } from '../errors.ts';

export type OrganisationPatch = { name?: string; timeZone?: string; autoCloseDays?: number; maxOpenPerUser?: number | null };

/** An administrator changes the organisation's name, default time zone, auto-close delay or open-case limit. */
export async function updateOrganisation(deps: Deps, patch: OrganisationPatch): Promise<void> {
  const zone = patch.timeZone === undefined ? undefined : canonicalTimeZone(patch.timeZone);
  if (zone === null) throw invalid([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
  await deps.db.kysely
    .updateTable('organisation')
    .set({
      updated_at: deps.clock.now(),
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(zone !== undefined ? { time_zone: zone } : {}),
      ...(patch.autoCloseDays !== undefined ? { auto_close_days: patch.autoCloseDays } : {}),
      ...(patch.maxOpenPerUser !== undefined ? { max_open_per_user: patch.maxOpenPerUser } : {}),
    })
    .where('id', '=', 1)
    .execute();
}
