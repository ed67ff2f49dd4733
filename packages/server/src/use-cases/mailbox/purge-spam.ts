import { removeStoredFiles } from '../../attachments/store.ts';
import { sql } from 'kysely';
import { spamExpired } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import { announceCommitted, audienceOf, dedupe, inTransaction, type LiveNotice } from '../../outbox/outbox.ts';

const BATCH = 100;

/** The live event that tells a case's audience it was deleted (its history went with it). */
const CASE_DELETED = 'case.deleted';

/**
 * Deletes the spam cases kept past the organisation's retention period (SPEC §13: 30 days by
 * default), with everything that hangs off them (messages, attachments and their bytes, history,
 * notifications: ON DELETE CASCADE) and the stored mails that made them (their raw payload).
 * Rows are locked with SKIP LOCKED and re-checked by the domain's spamExpired, a batch per
 * transaction, so two processes never delete the same case twice and a process that was down
 * catches up. Each deletion is announced live to those who could see the case. Returns how many.
 */
export async function purgeExpiredSpam(deps: Deps): Promise<number> {
  let purged = 0;
  for (;;) {
    const now = deps.clock.now();
    const notices: LiveNotice[] = [];
    const batch = await inTransaction(deps, async (trx) => {
      // Index cases_spam (spam_at WHERE status = 'spam', migration 028a): only the oldest spam is read.
      const due = await sql<{ id: string; spam_at: Date; days: number; team_id: string; owner_id: string | null }>`
        SELECT c.id::text AS id, c.spam_at, o.spam_retention_days AS days, c.team_id::text AS team_id, c.owner_id::text AS owner_id
        FROM cases c CROSS JOIN (SELECT spam_retention_days FROM organisation WHERE id = 1) o
        WHERE c.status = 'spam' AND c.spam_at <= ${now}::timestamptz - make_interval(hours => 24 * o.spam_retention_days)
        ORDER BY c.spam_at LIMIT ${BATCH} FOR UPDATE OF c SKIP LOCKED`.execute(trx);
      const expired = due.rows.filter((r) => spamExpired(new Date(r.spam_at), Number(r.days), now));
      if (expired.length === 0) return { count: 0, full: false, files: [] };
      const ids = expired.map((r) => r.id);
      const followers = await trx.selectFrom('case_collaborators').select(['case_id', 'user_id']).where('case_id', 'in', ids).execute();
      const files = await trx
        .selectFrom('message_attachments as a')
        .innerJoin('messages as m', 'm.id', 'a.message_id')
        .select('a.file_path')
        .where('m.case_id', 'in', ids)
        .where('a.file_path', 'is not', null)
        .execute();
      await trx.deleteFrom('inbound_messages').where('case_id', 'in', ids).execute();
      await trx.deleteFrom('cases').where('id', 'in', ids).execute();
      for (const r of expired) {
        const collaboratorIds = followers.filter((f) => f.case_id === r.id).map((f) => f.user_id);
        notices.push({
          caseId: r.id,
          ids: [''],
          types: [CASE_DELETED],
          audience: dedupe(audienceOf({ teamId: r.team_id, ownerId: r.owner_id, collaboratorIds })),
          at: now.toISOString(),
        });
      }
      return { count: expired.length, full: due.rows.length === BATCH, files };
    });
    announceCommitted(deps, notices);
    // The embedded database's files of the deleted messages, once their rows are gone for good.
    if (batch.count) await removeStoredFiles(deps.db, batch.files);
    purged += batch.count;
    if (!batch.full) return purged;
  }
}
