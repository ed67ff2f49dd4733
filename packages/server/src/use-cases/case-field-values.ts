import type { Kysely } from 'kysely';
import { canView, editFieldValues, fieldsBlockingResolve, type FieldDefinition, type FieldValues, type Resolution } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { Problem, forbidden, invalid, notFound, notAllowedTransition } from '../errors.ts';
import { lockCase, type CaseWriteResult } from './case-write.ts';

/** The history event of one field's value changing (data: key, label, from, to). */
export const FIELD_CHANGED = 'case.field_changed';

/**
 * Applies `{key: value or null}` to a locked case, the domain deciding (`editFieldValues`): an
 * unknown key, a wrong type or another team's field is a 400 naming `fields.<key>` and nothing
 * changes; every value that changes is one `case.field_changed` in the history, announced on
 * commit. The caller has checked that the actor may edit the case. Returns the case as saved.
 */
export async function writeFieldValues(
  trx: Kysely<Database>,
  c: CaseView,
  input: Readonly<Record<string, unknown>>,
  ctx: { actorId: string; now: Date },
): Promise<CaseWriteResult> {
  const defs = await listFieldDefinitions(trx);
  const edit = editFieldValues(defs, c.teamId, c.fields ?? {}, input);
  if (!edit.ok) throw invalid(edit.problems);
  if (edit.changes.length === 0) return { view: c, events: [] };
  await trx
    .updateTable('cases')
    .set({ fields: JSON.stringify(edit.values), updated_at: ctx.now, last_activity_at: ctx.now })
    .where('id', '=', c.id)
    .execute();
  const events = await appendEvents(trx, {
    caseId: c.id,
    actorId: ctx.actorId,
    events: edit.changes.map((ch) => ({ type: FIELD_CHANGED, data: { key: ch.key, label: ch.label, from: ch.from, to: ch.to } })),
    at: ctx.now,
    audience: audienceOf(c),
  });
  return { view: { ...c, fields: edit.values, updatedAt: ctx.now, lastActivityAt: ctx.now }, events };
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
 * Sets field values on a case on its own: lock, 404 for an invisible case, `mayEdit` (403
 * naming `action`), then `writeFieldValues`. A closed case refuses every change (409).
 */
export async function editCaseFields(
  deps: Deps,
  actor: AppUser,
  caseId: string,
  input: Readonly<Record<string, unknown>>,
  mayEdit: { action: string; allowed: (c: CaseView) => boolean },
): Promise<CaseWriteResult> {
  const now = deps.clock.now();
  return inTransaction(deps, async (trx) => {
    const c = await lockCase(trx, caseId);
    if (!c || !canView(actor, c)) throw notFound();
    if (!mayEdit.allowed(c)) throw forbidden(mayEdit.action);
    if (c.status === 'closed') throw notAllowedTransition('A closed case cannot change.');
    return writeFieldValues(trx, c, input, { actorId: actor.id, now });
  });
}
