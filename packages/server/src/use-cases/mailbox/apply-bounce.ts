import type { Kysely } from 'kysely';
import { bounceIsPermanent } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import { findCaseView } from '../../db/repos/case-views.ts';
import type { BounceReport } from '../../channels/email/mail-facts.ts';
import { recordDeliveryChange } from '../../channels/outbound/delivery.ts';

/**
 * A delivery status notification (bounce) is never a case nor a message (SPEC §13). A permanent
 * failure marks the address bounced (no automatic mail goes there again) and, when it names one
 * of our replies (its Message-ID, registered when the reply left), marks that reply's delivery
 * `failed` with the receiving server's words, which the case page and the author then see (§15).
 * A delay report changes nothing.
 */
export async function applyBounce(
  trx: Kysely<Database>,
  channelId: string,
  caseId: string | null,
  report: BounceReport,
  now: Date,
): Promise<{ caseId: string | null; messageId: null; createdCase: false; followUpOf: null; outcome: 'bounce' }> {
  const done = { caseId, messageId: null, createdCase: false, followUpOf: null, outcome: 'bounce' } as const;
  if (!bounceIsPermanent(report)) return done;
  const reason = (report.diagnostic ?? `Bounced (${report.status ?? 'failed'})`).slice(0, 1000);
  const reply =
    caseId && report.originalMessageId
      ? await trx
          .selectFrom('message_channel_refs as r')
          .innerJoin('messages as m', 'm.id', 'r.message_id')
          .select(['r.message_id', 'm.author_id'])
          .where('r.case_id', '=', caseId)
          .where('r.channel_id', '=', channelId)
          .where('r.direction', '=', 'outbound')
          .where('r.external_id', '=', report.originalMessageId)
          .executeTakeFirst()
      : undefined;
  if (report.recipient) {
    await trx
      .insertInto('bounced_addresses')
      .values({ address: report.recipient, reason, message_id: reply?.message_id ?? null, bounced_at: now })
      .onConflict((oc) => oc.column('address').doUpdateSet({ reason, bounced_at: now }))
      .execute();
  }
  if (!reply || !caseId) return done;
  const failed = await trx
    .updateTable('outbound_messages')
    .set({ status: 'failed', last_error: reason, state_at: now })
    .where('message_id', '=', reply.message_id)
    .where('status', '<>', 'failed')
    .returning('attempts')
    .executeTakeFirst();
  const c = failed && (await findCaseView(trx, caseId));
  if (failed && c) {
    await recordDeliveryChange(
      trx,
      c,
      { messageId: reply.message_id, authorId: reply.author_id, state: 'failed', attempts: failed.attempts, lastError: reason },
      null,
      now,
    );
  }
  return done;
}
