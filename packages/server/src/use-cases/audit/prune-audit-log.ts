import { auditKeptSince } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import { deleteAuditEntriesBefore } from '../../db/repos/audit-log.ts';
import { recordAudit } from './record-audit.ts';

const BATCH = 1000; // one transaction each: on the embedded database it holds the only connection

/**
 * Removes audit entries older than the organisation's retention (`audit_retention_days`), oldest
 * first, a batch per transaction; each batch leaves an `audit_log.pruned` entry saying how many went
 * and up to when. Run by the timers' tick (jobs/timers.ts). Returns how many were removed.
 */
export async function pruneAuditLog(deps: Deps): Promise<number> {
  const org = await deps.db.kysely.selectFrom('organisation').select('audit_retention_days').where('id', '=', 1).executeTakeFirst();
  if (!org) return 0;
  const before = auditKeptSince(deps.clock.now(), org.audit_retention_days);
  let total = 0;
  for (;;) {
    const n = await deps.db.kysely.transaction().execute(async (trx) => {
      const removed = await deleteAuditEntriesBefore(trx, before, BATCH);
      if (removed)
        await recordAudit(trx, deps, null, {
          action: 'audit_log.pruned',
          target: { type: 'audit_log', id: null },
          detail: { removed, olderThan: before.toISOString(), retentionDays: org.audit_retention_days },
        });
      return removed;
    });
    total += n;
    if (n < BATCH) return total;
  }
}
