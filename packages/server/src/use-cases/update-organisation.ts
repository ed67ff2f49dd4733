import { canonicalTimeZone, readTags, type TwoFactorPolicy } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { invalid } from '../errors.ts';

export type OrganisationPatch = {
  name?: string;
  timeZone?: string;
  autoCloseDays?: number;
  maxOpenPerUser?: number | null;
  managedTags?: string[] | null;
  twoFactorRequired?: TwoFactorPolicy;
  maxAttachmentBytes?: number;
};

/**
 * An administrator changes the organisation's name, default time zone, auto-close delay, open-case
 * limit or managed tags (each tag read as a case's: trimmed, lower-case, 1–50 characters; kept sorted).
 */
export async function updateOrganisation(deps: Deps, patch: OrganisationPatch): Promise<void> {
  const zone = patch.timeZone === undefined ? undefined : canonicalTimeZone(patch.timeZone);
  if (zone === null) throw invalid([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
  let managed: string[] | null | undefined;
  if (patch.managedTags !== undefined && patch.managedTags !== null) {
    const read = readTags(patch.managedTags, 'managedTags', null);
    if (!read.ok) throw invalid(read.problems);
    managed = read.tags.sort();
  } else managed = patch.managedTags;
  await deps.db.kysely
    .updateTable('organisation')
    .set({
      updated_at: deps.clock.now(),
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(zone !== undefined ? { time_zone: zone } : {}),
      ...(patch.autoCloseDays !== undefined ? { auto_close_days: patch.autoCloseDays } : {}),
      ...(patch.maxOpenPerUser !== undefined ? { max_open_per_user: patch.maxOpenPerUser } : {}),
      ...(managed !== undefined ? { managed_tags: managed } : {}),
      ...(patch.twoFactorRequired !== undefined ? { two_factor_required: patch.twoFactorRequired } : {}),
      ...(patch.maxAttachmentBytes !== undefined ? { max_attachment_bytes: patch.maxAttachmentBytes } : {}),
    })
    .where('id', '=', 1)
    .execute();
}
