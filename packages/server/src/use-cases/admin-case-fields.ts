import { sql, type Kysely } from 'kysely';
import { FIELD_LIMITS, checkDefinition, hasOptions, type FieldDefinition, type FieldType } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { findFieldDefinition } from '../db/repos/case-fields.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { unknownIds } from './admin-users.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';

export type NewField = {
  key: string;
  label: string;
  type: FieldType;
  options?: string[] | null;
  required?: boolean;
  teamIds?: string[] | null;
};
/** What may change: the key and the type stay (values already stored were checked against them). */
export type FieldPatch = { label?: string; options?: string[] | null; required?: boolean; teamIds?: string[] | null };

const teamList = (ids: string[] | null | undefined) => (ids?.length ? [...new Set(ids.map((t) => t.toLowerCase()))] : null);
/** Options trimmed for the types that have them; given to another type they stay, for checkDefinition to refuse. */
const optionList = (type: FieldType, options: string[] | null | undefined) =>
  hasOptions(type) ? (options ?? []).map((o) => o.trim()) : options?.length ? options : null;

/** Refuses an inconsistent definition (400 naming the field) or unknown teams; nothing is written. */
async function check(db: Kysely<Database>, d: FieldDefinition): Promise<void> {
  const problems = checkDefinition(d);
  const unknown = await unknownIds(db, 'teams', [...(d.teamIds ?? [])]);
  if (unknown.length) problems.push({ field: 'teamIds', message: `unknown team ids: ${unknown.join(', ')}` });
  if (problems.length) throw invalid(problems);
}

/** Defines a custom field (admin). Keys are unique; an organisation has at most FIELD_LIMITS.definitions. */
export async function createCaseField(deps: Deps, actor: AuditActor, input: NewField): Promise<FieldDefinition> {
  const d: FieldDefinition = {
    key: input.key,
    label: input.label.trim(),
    type: input.type,
    options: optionList(input.type, input.options),
    required: input.required ?? false,
    teamIds: teamList(input.teamIds),
  };
  const now = deps.clock.now();
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      await check(trx, d);
      // Serialises definers so two at once cannot both pass the limit.
      await sql`LOCK TABLE case_fields IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
      const n = await trx
        .selectFrom('case_fields')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= FIELD_LIMITS.definitions) throw conflict(`An organisation has at most ${FIELD_LIMITS.definitions} custom fields.`);
      await trx
        .insertInto('case_fields')
        .values({ ...row(d), created_at: now, updated_at: now })
        .execute();
      await recordAudit(trx, deps, actor, { action: 'case_field.created', target: fieldTarget(d), before: null, after: audited(d) });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A field with this key exists.', { fields: [{ field: 'key', message: 'is already used' }] });
    throw err;
  }
  return d;
}

const fieldTarget = (d: FieldDefinition) => ({ type: 'case_field', id: d.key, label: d.label });
const audited = (d: FieldDefinition) => ({
  label: d.label,
  type: d.type,
  options: d.options,
  required: d.required,
  teamIds: d.teamIds,
});

const row = (d: FieldDefinition) => ({
  key: d.key,
  label: d.label,
  type: d.type,
  options: d.options ? [...d.options] : null,
  required: d.required,
  team_ids: d.teamIds ? [...d.teamIds] : null,
});

/**
 * Changes a field's label, options, whether it is required, or its teams. Values already stored
 * stay as they are (a case keeps an option that was since removed until someone changes it).
 */
export async function updateCaseField(deps: Deps, actor: AuditActor, key: string, p: FieldPatch): Promise<FieldDefinition> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    await trx.selectFrom('case_fields').select('key').where('key', '=', key).forUpdate().executeTakeFirst();
    const old = await findFieldDefinition(trx, key);
    if (!old) throw notFound('Field');
    const d: FieldDefinition = {
      ...old,
      ...(p.label !== undefined ? { label: p.label.trim() } : {}),
      ...(p.options !== undefined ? { options: optionList(old.type, p.options) } : {}),
      ...(p.required !== undefined ? { required: p.required } : {}),
      ...(p.teamIds !== undefined ? { teamIds: teamList(p.teamIds) } : {}),
    };
    await check(trx, d);
    await trx
      .updateTable('case_fields')
      .set({ ...row(d), updated_at: deps.clock.now() })
      .where('key', '=', key)
      .execute();
    await recordAudit(trx, deps, actor, { action: 'case_field.updated', target: fieldTarget(d), before: audited(old), after: audited(d) });
    return d;
  });
}

/**
 * Deletes a field and its values on every case (in one transaction: a key made again later
 * starts empty). Removing the values is not a change of the cases' content, so no history.
 */
export async function deleteCaseField(deps: Deps, actor: AuditActor, key: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const old = await findFieldDefinition(trx, key);
    const gone = await trx.deleteFrom('case_fields').where('key', '=', key).returning('key').executeTakeFirst();
    if (!gone || !old) throw notFound('Field');
    await recordAudit(trx, deps, actor, { action: 'case_field.deleted', target: fieldTarget(old), before: audited(old), after: null });
    await sql`UPDATE cases SET fields = fields - ${key}::text WHERE fields <> '{}'::jsonb AND fields ? ${key}::text`.execute(trx);
  });
}
