import { auditRetentionProblem, canonicalTimeZone, readTags, type TwoFactorPolicy } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { invalid } from '../errors.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';

export type OrganisationPatch = {
  name?: string;
  timeZone?: string;
  autoCloseDays?: number;
  maxOpenPerUser?: number | null;
  slaGuard?: boolean;
  managedTags?: string[] | null;
  twoFactorRequired?: TwoFactorPolicy;
  maxAttachmentBytes?: number;
  auditRetentionDays?: number;
  spamRetentionDays?: number;
};

const COLUMNS = {
  name: 'name',
  timeZone: 'time_zone',
  autoCloseDays: 'auto_close_days',
  maxOpenPerUser: 'max_open_per_user',
  slaGuard: 'sla_guard',
  managedTags: 'managed_tags',
  twoFactorRequired: 'two_factor_required',
  maxAttachmentBytes: 'max_attachment_bytes',
  auditRetentionDays: 'audit_retention_days',
  spamRetentionDays: 'spam_retention_days',
} as const;

/** The settings as the audit log compares them (API names). */
const audited = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(COLUMNS).map(([api, column]) => [api, row[column]]));

/**
 * An administrator changes the organisation's name, default time zone, auto-close delay, open-case
 * limit, SLA guard, managed tags (each tag read as a case's: trimmed, lower-case, 1–50 characters; kept sorted),
 * two-factor policy, attachment cap, audit or spam retention; the audit log records what changed.
 */
export async function updateOrganisation(deps: Deps, actor: AuditActor, patch: OrganisationPatch): Promise<void> {
  const zone = patch.timeZone === undefined ? undefined : canonicalTimeZone(patch.timeZone);
  if (zone === null) throw invalid([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
  let managed: string[] | null | undefined;
  if (patch.managedTags !== undefined && patch.managedTags !== null) {
    const read = readTags(patch.managedTags, 'managedTags', null);
    if (!read.ok) throw invalid(read.problems);
    managed = read.tags.sort();
  } else managed = patch.managedTags;
  const retention = patch.auditRetentionDays === undefined ? null : auditRetentionProblem(patch.auditRetentionDays);
  if (retention) throw invalid([{ field: 'auditRetentionDays', message: retention }]);
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('organisation').selectAll().where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
    const after = await trx
      .updateTable('organisation')
      .set({
        updated_at: deps.clock.now(),
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(zone !== undefined ? { time_zone: zone } : {}),
        ...(patch.autoCloseDays !== undefined ? { auto_close_days: patch.autoCloseDays } : {}),
        ...(patch.maxOpenPerUser !== undefined ? { max_open_per_user: patch.maxOpenPerUser } : {}),
        ...(patch.slaGuard !== undefined ? { sla_guard: patch.slaGuard } : {}),
        ...(managed !== undefined ? { managed_tags: managed } : {}),
        ...(patch.twoFactorRequired !== undefined ? { two_factor_required: patch.twoFactorRequired } : {}),
        ...(patch.maxAttachmentBytes !== undefined ? { max_attachment_bytes: patch.maxAttachmentBytes } : {}),
        ...(patch.auditRetentionDays !== undefined ? { audit_retention_days: patch.auditRetentionDays } : {}),
        ...(patch.spamRetentionDays !== undefined ? { spam_retention_days: patch.spamRetentionDays } : {}),
      })
      .where('id', '=', 1)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, deps, actor, {
      action: 'organisation.updated',
      target: { type: 'organisation', id: null, label: after.name },
      before: audited(before),
      after: audited(after),
    });
  });
}
