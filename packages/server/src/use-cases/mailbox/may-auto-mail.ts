import type { Kysely } from 'kysely';
import { blockedBy, mayAutoMail, type AutoMailRefusal } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import { blockEntriesFor, caseIsSpam, isBounced, lastInboundAutomatic, ownMailAddresses } from '../../db/repos/mail-safety.ts';

export type AutoMailVerdict = { ok: true } | { ok: false; reason: AutoMailRefusal };

/**
 * May an automatic mail (acknowledgement, satisfaction survey, notification to a customer) go to
 * this address now? Reads the facts (own mailbox addresses, blocklist, bounces, and with a case
 * whether it is spam and whether the customer's last mail on it was itself automatic) and lets the domain's mayAutoMail
 * decide (SPEC §13). Every sender of automatic mail to customers asks here, just before sending.
 */
export async function mayAutoMailTo(
  db: Kysely<Database>,
  address: string | null,
  opts: { caseId?: string | null } = {},
): Promise<AutoMailVerdict> {
  const a = address?.trim().toLowerCase() ?? null;
  if (!a?.includes('@'))
    return mayAutoMail({ address: a, ownAddresses: [], blocked: false, bounced: false, lastInboundAutomatic: null, caseIsSpam: false });
  const [own, entries, bounced, automatic, spam] = await Promise.all([
    ownMailAddresses(db),
    blockEntriesFor(db, a),
    isBounced(db, a),
    opts.caseId ? lastInboundAutomatic(db, opts.caseId) : Promise.resolve(null),
    opts.caseId ? caseIsSpam(db, opts.caseId) : Promise.resolve(false),
  ]);
  return mayAutoMail({
    address: a,
    ownAddresses: own,
    blocked: blockedBy(a, entries) !== null,
    bounced,
    lastInboundAutomatic: automatic,
    caseIsSpam: spam,
  });
}
