import type { Kysely } from 'kysely';
import {
  canMessage,
  canView,
  editFieldValues,
  fieldsBlockingResolve,
  type DomainEvent,
  type FieldDefinition,
  type FieldValues,
  type Resolution,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { Problem, forbidden, invalid, notAllowedTransition, notFound } from '../errors.ts';
import { lockCase, type CaseWriteResult } from './case-write.ts';

/** The history event of one field's value changing (data: key, label, from, to). */
export const FIELD_CHANGED = 'case.field_changed';

/**
 * Checks `{key: value or null}` against a locked case, the domain deciding (`editFieldValues`): an
 * unknown key, a wrong type or another team's field is a 400 naming `fields.<key>`, thrown before
 * anything is written. Returns the case's values after the change and one `case.field_changed`
 * history event per value that changes (none when nothing does).
 */
export async function planFieldValues(
  trx: Kysely<Database>,
  c: Pick<CaseView, 'teamId' | 'fields'>,
  input: Readonly<Record<string, unknown>>,
): Promise<{ values: FieldValues; events: DomainEvent[] }> {
  const edit = editFieldValues(await listFieldDefinitions(trx), c.teamId, c.fields ?? {}, input);
  if (!edit.ok) throw invalid(edit.problems);
  return {
    values: edit.values,
    events: edit.changes.map((ch) => ({ type: FIELD_CHANGED, data: { key: ch.key, label: ch.label, from: ch.from, to: ch.to } })),
  };
}

/** The answer when required fields keep a case from being resolved: 409 naming each of them. */
export function fieldsRequiredProblem(missing: readonly FieldDefinition[]): Problem {
  const names = missing.map((d) => d.label).join(', ');
  return new Problem(409, 'fields_required', 'Required fields are not set', `Set ${names} before resolving this case.`, {
    fields: missing.map((d) => ({ field: `fields.${d.key}`, message: `${d.label} is required to resolve` })),
  });
}

/**
 * The resolve write path's check (SPEC §10): on the locked case, the required fields that apply
 * to its team must be set before it is resolved (completed or unresolved; canceling is never
 * blocked). The rule is the domain's `fieldsBlockingResolve`.
 */
export async function requireFieldsToResolve(trx: Kysely<Database>, c: { teamId: string; fields?: FieldValues }, resolution: Resolution) {
  if (resolution === 'canceled') return;
  const missing = fieldsBlockingResolve(await listFieldDefinitions(trx), { teamId: c.teamId, fields: c.fields ?? {} }, resolution);
  if (missing.length) throw fieldsRequiredProblem(missing);
}

/**
 * Sets custom field values on a case (`PATCH /cases/:id/fields`): lock, 404 for an invisible
 * case, 403 for one the actor may not write on (`canMessage`: admins, supervisors, agents on their
 * own and their teams' cases; never viewers), 409 for a closed or canceled case; then the values,
 * every change a `case.field_changed` in the history, announced on commit.
 */
export async function setCaseFields(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  input: Readonly<Record<string, unknown>>,
): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    if (!canMessage(actor, c)) {
      if (c.status === 'closed' || c.status === 'canceled') throw notAllowedTransition(`A ${c.status} case cannot change.`);
      throw forbidden('message', 'You may not change this case.');
    }
    const plan = await planFieldValues(trx, c, input);
    if (plan.events.length === 0) return { view: c, events: [] };
    await trx
      .updateTable('cases')
      .set({ fields: JSON.stringify(plan.values), updated_at: now, last_activity_at: now })
      .where('id', '=', c.id)
      .execute();
    const events = await appendEvents(trx, { caseId: c.id, actorId: actor.id, events: plan.events, at: now, audience: audienceOf(c) });
    return { view: { ...c, fields: plan.values, updatedAt: now, lastActivityAt: now }, events };
  });
}
