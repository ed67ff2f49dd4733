import type { Kysely } from 'kysely';
import type { FieldDefinition, FieldType } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { Db } from '../connect.ts';

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

/** The definitions a process keeps, and the database's access version they were read at. */
const kept = new WeakMap<Db, { version: number; definitions: FieldDefinition[] }>();

/**
 * listFieldDefinitions as this process keeps them: read again only after a change committed by
 * any process (case_fields is announced with the access tables: db/access-watch.ts, migration
 * 045), as cached identities are. `q` reads on a miss (the caller's transaction, if any); what was
 * read while the version moved is not kept. Not for a transaction that writes definitions.
 */
export async function fieldDefinitions(db: Db, q: Kysely<Database> = db.kysely): Promise<FieldDefinition[]> {
  const version = db.accessVersion();
  const hit = kept.get(db);
  if (hit && version !== null && hit.version === version) return hit.definitions;
  const definitions = await listFieldDefinitions(q);
  if (version !== null && db.accessVersion() === version) kept.set(db, { version, definitions });
  return definitions;
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
