import { sql, type Kysely } from 'kysely';
import {
  CUSTOMER_CHANGED,
  canEdit,
  canView,
  editDetails,
  editTags,
  priorityRank,
  type DomainEvent,
  type FieldValues,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { customerVisibleTo } from '../db/sql-rules.ts';
import { appendEvents, audienceOf, inTransaction, withSlaKept } from '../outbox/outbox.ts';
import { conflict, forbidden, invalid, notAllowedTransition, notFound, type FieldError } from '../errors.ts';
import { lockCase, type CaseWriteResult } from './case-write.ts';
import { planFieldValues } from './case-field-values.ts';
import type { CaseView } from '../db/repos/case-views.ts';

/**
 * An edit of a case (SPEC §10): any of its details, custom field values, tags and customer link.
 * Status, owner and team change only through the action endpoints.
 */
export type CaseEdit = {
  subject?: string;
  description?: string | null;
  priority?: string;
  fields?: Readonly<Record<string, unknown>>;
  /** Link the case to another customer (an existing, unmerged one the editor sees), or null to unlink. */
  customerId?: string | null;
  tags?: { add?: readonly string[]; remove?: readonly string[] };
};

/** The organisation's managed tag list (null: free tags). */
export async function managedTags(db: Kysely<Database>): Promise<string[] | null> {
  const r = await db.selectFrom('organisation').select('managed_tags').where('id', '=', 1).executeTakeFirst();
  return r?.managed_tags ?? null;
}

type LinkedCustomer = CaseView['customer'];
const customerName = (c: NonNullable<LinkedCustomer>) => c.name ?? c.email ?? c.phone;

/**
 * The customer a case is to be linked to: one the editor sees (else 400, as if unknown), share-
 * locked until commit so a concurrent merge waits. A customer merged into another is a 409 naming
 * the one it became (link that one), when the editor sees that one.
 */
async function linkableCustomer(trx: Kysely<Database>, actor: AppUser, id: string): Promise<NonNullable<LinkedCustomer>> {
  const r = await sql<{ id: string; name: string | null; email: string | null; phone: string | null; merged_into: string | null }>`
    SELECT cu.id::text AS id, cu.name, cu.email, cu.phone, cu.merged_into::text AS merged_into FROM customers cu
    WHERE cu.id = ${id}::uuid FOR SHARE OF cu`.execute(trx);
  const row = r.rows[0];
  const seen = async (customerId: string) =>
    (await sql`SELECT 1 FROM customers cu WHERE cu.id = ${customerId}::uuid AND ${customerVisibleTo(actor)}`.execute(trx)).rows.length > 0;
  if (!row || !(await seen(row.merged_into ?? row.id))) throw invalid([{ field: 'customerId', message: 'no such customer' }]);
  if (row.merged_into)
    throw conflict('This customer was merged into another; link the case to that customer.', {
      fields: [{ field: 'customerId', message: 'was merged into another customer' }],
      mergedInto: row.merged_into,
    });
  return { id: row.id, name: row.name, email: row.email, phone: row.phone };
}

/**
 * Edits a case in one transaction: lock, 404 for an invisible case, 403 `edit` for one the actor
 * may not edit (the domain's canEdit: admins, supervisors, agents on their own and their teams'
 * cases; never viewers), 409 for a closed or canceled case. Every part of the edit is checked
 * before anything is written, and all bad fields are named together (400); then one UPDATE, and
 * one history event per change (subject, description, priority, each field, tags, customer),
 * announced on commit. An edit that changes nothing writes nothing.
 */
export async function editCase(deps: Deps, actor: AppUser, caseId: string, edit: CaseEdit): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    // Who may edit first (as if the case were open), then whether the case still changes.
    if (!canEdit(actor, { ...c, status: 'ready' })) throw forbidden('edit', 'You may not edit this case.');
    if (!canEdit(actor, c)) throw notAllowedTransition(`A ${c.status} case cannot be edited.`);

    const problems: FieldError[] = [];
    const events: DomainEvent[] = [];
    const set: Record<string, unknown> = {};
    const after: Partial<CaseView> = {};

    const details = editDetails(
      { subject: c.subject, description: c.description, priority: c.priority },
      { subject: edit.subject, description: edit.description, priority: edit.priority },
    );
    if (!details.ok) problems.push(...details.problems);
    else {
      const ch = details.changes;
      if (ch.subject !== undefined) set.subject = after.subject = ch.subject;
      if (ch.description !== undefined) set.description = after.description = ch.description;
      if (ch.priority !== undefined) {
        after.priority = ch.priority;
        set.priority = priorityRank(ch.priority);
      }
      events.push(...details.events);
    }

    let fields: FieldValues | undefined;
    if (edit.fields && Object.keys(edit.fields).length) {
      const plan = await planFieldValues(trx, c, edit.fields);
      if (!plan.ok) problems.push(...plan.problems);
      else if (plan.events.length) {
        fields = plan.values;
        set.fields = JSON.stringify(plan.values);
        after.fields = plan.values;
        events.push(...plan.events);
      }
    }

    if (edit.tags && (edit.tags.add?.length || edit.tags.remove?.length)) {
      const managed = edit.tags.add?.length ? await managedTags(trx) : null;
      const tags = editTags(c.tags, edit.tags, managed);
      if (!tags.ok) problems.push(...tags.problems);
      else if (tags.events.length) {
        set.tags = after.tags = tags.tags;
        events.push(...tags.events);
      }
    }
    if (problems.length) throw invalid(problems);

    if (edit.customerId !== undefined) {
      const to = edit.customerId === null ? null : await linkableCustomer(trx, actor, edit.customerId);
      if ((to?.id ?? null) !== (c.customer?.id ?? null)) {
        set.customer_id = to?.id ?? null;
        after.customer = to;
        events.push({
          type: CUSTOMER_CHANGED,
          data: {
            from: c.customer ? { customerId: c.customer.id, name: customerName(c.customer) } : null,
            to: to ? { customerId: to.id, name: customerName(to) } : null,
          },
        });
      }
    }

    if (events.length === 0) return { view: c, events: [] };
    await trx
      .updateTable('cases')
      .set({ ...set, updated_at: now, last_activity_at: now })
      .where('id', '=', c.id)
      .execute();
    const stored = await appendEvents(trx, { caseId: c.id, actorId: actor.id, events, at: now, audience: audienceOf(c) });
    return {
      view: withSlaKept(trx, { ...c, ...after, ...(fields ? { fields } : {}), updatedAt: now, lastActivityAt: now }),
      events: stored,
    };
  });
}
