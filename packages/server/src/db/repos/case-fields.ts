import type { Kysely } from 'kysely';
import type { FieldDefinition, FieldType } from '@casework/domain';
import type { Database } from '../schema.ts';

type Row = {
  key: string;
  label: string;
  type: string;
  options: string[] | null;
  required: boolean;
  team_ids: string[] | null;
};

const toDefinition = (r: Row): FieldDefinition => ({
  key: r.key,
  label: r.label,
  type: r.type as FieldType,
  options: r.options,
  required: r.required,
  teamIds: r.team_ids,
});

/** Every custom field definition, in the order they were made (the order the case page shows them). */
export async function listFieldDefinitions(db: Kysely<Database>): Promise<FieldDefinition[]> {
  const rows = await db
    .selectFrom('case_fields')
    .select(['key', 'label', 'type', 'options', 'required', 'team_ids'])
    .orderBy('created_at')
    .orderBy('key')
    .execute();
  return rows.map(toDefinition);
}

/** One definition by key, or undefined. */
export async function findFieldDefinition(db: Kysely<Database>, key: string): Promise<FieldDefinition | undefined> {
  const r = await db
    .selectFrom('case_fields')
    .select(['key', 'label', 'type', 'options', 'required', 'team_ids'])
    .where('key', '=', key)
    .executeTakeFirst();
  return r && toDefinition(r);
}
