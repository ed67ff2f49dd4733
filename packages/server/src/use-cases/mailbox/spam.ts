import type { Kysely } from 'kysely';
import { domainOfAddress, normaliseBlockValue, type BlockKind } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import type { Deps } from '../../deps.ts';
import type { CaseView } from '../../db/repos/case-views.ts';
import { appendEvents, audienceOf } from '../../outbox/outbox.ts';
import { uuidv7 } from '../../ids.ts';
import { invalid } from '../../errors.ts';
import { recordAudit, type AuditActor } from '../audit/record-audit.ts';
import { runLifecycleAction, type CaseWriteResult } from '../case-write.ts';

/** What marking a case as spam may also block: its customer's address, or the address's whole domain. */
export type SpamBlock = 'sender' | 'domain';

/** The blocklist entry a block of this case's sender would add, or null when the customer has no usable address. */
function blockEntryFor(c: Pick<CaseView, 'customer'>, block: SpamBlock): { kind: BlockKind; value: string } | null {
  const email = c.customer?.email?.trim().toLowerCase();
  if (!email?.includes('@')) return null;
  const kind: BlockKind = block === 'sender' ? 'email' : 'domain';
  const value = normaliseBlockValue(kind, block === 'sender' ? email : domainOfAddress(email));
  return value ? { kind, value } : null;
}

/**
 * Adds a blocklist entry unless it is there already, with its audit entry (SPEC §14: the
 * organisation's set-up). True when it was added, false when it existed.
 */
export async function addBlockEntry(
  trx: Kysely<Database>,
  deps: Pick<Deps, 'clock'>,
  actor: AuditActor,
  entry: { kind: BlockKind; value: string },
): Promise<boolean> {
  const now = deps.clock.now();
  const r = await trx
    .insertInto('blocklist')
    .values({ id: uuidv7(now.getTime()), kind: entry.kind, value: entry.value, created_by: actor?.id ?? null, created_at: now })
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (r === undefined) return false;
  await recordAudit(trx, deps, actor, {
    action: 'blocklist_entry.created',
    target: { type: 'blocklist_entry', id: r.id, label: entry.value },
    before: null,
    after: { kind: entry.kind, value: entry.value },
  });
  return true;
}

/**
 * Marks a case as spam (SPEC §13): the domain's `mark_spam` through the one lifecycle write path
 * (who may: `spam` in actionsFor, as resolving). With `block`, the customer's address (`sender`)
 * or its domain (`domain`) joins the blocklist in the same transaction, recorded on the case as
 * `case.sender_blocked`; a case whose customer has no email address refuses a block (400 `block`,
 * nothing changed).
 */
export async function markSpam(deps: Deps, actor: AppUser, caseId: string, block: SpamBlock | null): Promise<CaseWriteResult> {
  const result = await runLifecycleAction(deps, actor, caseId, {
    action: 'spam',
    event: () => ({ kind: 'mark_spam' }),
    ...(block
      ? {
          check: async (_trx, c) => {
            if (!blockEntryFor(c, block)) throw invalid([{ field: 'block', message: "the case's customer has no email address to block" }]);
          },
          afterwards: async (trx, saved) => {
            const entry = blockEntryFor(saved, block)!;
            const now = deps.clock.now();
            const added = await addBlockEntry(trx, deps, actor, entry);
            await appendEvents(trx, {
              caseId: saved.id,
              actorId: actor.id,
              at: now,
              audience: audienceOf(saved),
              after: saved,
              events: [{ type: 'case.sender_blocked', data: { kind: entry.kind, value: entry.value, alreadyBlocked: !added } }],
            });
          },
        }
      : {}),
  });
  return result;
}

/** A spam case is not spam after all: open again as the domain's `not_spam` says (ready if owned, else new). */
export function markNotSpam(deps: Deps, actor: AppUser, caseId: string): Promise<CaseWriteResult> {
  return runLifecycleAction(deps, actor, caseId, { action: 'not_spam', event: () => ({ kind: 'not_spam' }) });
}
