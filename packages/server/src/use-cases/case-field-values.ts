import type { Kysely } from 'kysely';
import {
  editFieldValues,
  fieldsBlockingResolve,
  type DomainEvent,
  type FieldDefinition,
  type FieldValues,
  type Resolution,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { CaseView } from '../db/repos/case-views.ts';
import { fieldDefinitions, listFieldDefinitions } from '../db/repos/case-fields.ts';
import type { Db } from '../db/connect.ts';
import { Problem, type FieldError } from '../errors.ts';

/** The history event of one field's value changing (data: key, label, from, to). */
export const FIELD_CHANGED = 'case.field_changed';

/**
 * Checks `{key: value or null}` against a locked case, the domain deciding (`editFieldValues`): an
 * unknown key, a wrong type or another team's field is a problem naming `fields.<key>` (the edit
 * answers all of them at once, before anything is written). Otherwise the case's values after the
 * change and one `case.field_changed` history event per value that changes (none when nothing does).
 */
export async function planFieldValues(
  trx: Kysely<Database>,
  c: Pick<CaseView, 'teamId' | 'fields'>,
  input: Readonly<Record<string, unknown>>,
): Promise<{ ok: true; values: FieldValues; events: DomainEvent[] } | { ok: false; problems: FieldError[] }> {
  const edit = editFieldValues(await listFieldDefinitions(trx), c.teamId, c.fields ?? {}, input);
  if (!edit.ok) return { ok: false, problems: edit.problems };
  return {
    ok: true,
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
export async function requireFieldsToResolve(
  db: Db,
  trx: Kysely<Database>,
  c: { teamId: string; fields?: FieldValues },
  resolution: Resolution,
) {
  if (resolution === 'canceled') return;
  const missing = fieldsBlockingResolve(await fieldDefinitions(db, trx), { teamId: c.teamId, fields: c.fields ?? {} }, resolution);
  if (missing.length) throw fieldsRequiredProblem(missing);
}
