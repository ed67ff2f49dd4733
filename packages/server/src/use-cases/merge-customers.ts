import { sql } from 'kysely';
import { CUSTOMER_CHANGED } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { invalid, notFound } from '../errors.ts';
import { lockVisibleCustomer } from './update-customer.ts';
import { notifyCustomerChanged } from '../realtime/hub.ts';

/**
 * Merges customer `fromId` into `intoId` (`customer.merge`; both customers visible to the actor),
 * in one transaction: every case of the merged customer moves to the survivor with a
 * `case.customer_changed` event (announced after commit), so do its chat sessions; the survivor
 * takes the details it lacks, and the merged row stays pointing at it, so its email and phone
 * keep reaching the survivor (db/repos/customers.ts). All its cases move, including any the actor
 * cannot see: a customer is one person, whoever merges them.
 */
export async function mergeCustomers(deps: Deps, actor: AppUser, fromId: string, intoId: string): Promise<void> {
  if (fromId === intoId) throw invalid([{ field: 'intoCustomerId', message: 'is this customer: a customer cannot be merged into itself' }]);
  const now = deps.clock.now();
  await inTransaction(deps, async (trx) => {
    // Cases first, then customers: the order in which a case's writers lock them.
    await sql`SELECT id FROM cases WHERE customer_id = ${fromId}::uuid ORDER BY id FOR UPDATE`.execute(trx);
    const [first, second] = fromId < intoId ? [fromId, intoId] : [intoId, fromId];
    const a = await lockVisibleCustomer(trx, actor, first);
    const b = await lockVisibleCustomer(trx, actor, second);
    const from = first === fromId ? a : b;
    const into = first === fromId ? b : a;
    if (!from) throw notFound('Customer');
    if (!into) throw invalid([{ field: 'intoCustomerId', message: 'no such customer' }]);
    const moved = await sql<{ id: string; team_id: string; owner_id: string | null; collaborator_ids: string[] }>`UPDATE cases c
      SET customer_id = ${intoId}::uuid, updated_at = ${now}
      WHERE c.customer_id = ${fromId}::uuid
      RETURNING c.id::text AS id, c.team_id::text AS team_id, c.owner_id::text AS owner_id,
        array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id) AS collaborator_ids`.execute(trx);
    for (const c of moved.rows) {
      await appendEvents(trx, {
        caseId: c.id,
        actorId: actor.id,
        at: now,
        audience: audienceOf({ teamId: c.team_id, ownerId: c.owner_id, collaboratorIds: c.collaborator_ids }),
        events: [
          {
            type: CUSTOMER_CHANGED,
            data: {
              from: { customerId: from.id, name: from.name ?? from.email ?? from.phone },
              to: { customerId: into.id, name: into.name ?? into.email ?? into.phone },
              merged: true,
            },
          },
        ],
      });
    }
    await sql`UPDATE chat_sessions SET customer_id = ${intoId}::uuid WHERE customer_id = ${fromId}::uuid`.execute(trx);
    await sql`UPDATE customers SET name = COALESCE(name, ${from.name}), email = COALESCE(email, ${from.email}),
      phone = COALESCE(phone, ${from.phone}), updated_at = ${now} WHERE id = ${intoId}::uuid`.execute(trx);
    await sql`UPDATE customers SET merged_into = ${intoId}::uuid, merged_at = ${now}
      WHERE id = ${fromId}::uuid OR merged_into = ${fromId}::uuid`.execute(trx);
    // Pages of either customer show the survivor's details now (the moved cases' pages also hear case.customer_changed).
    await notifyCustomerChanged(trx, [intoId, fromId], now);
  });
}
