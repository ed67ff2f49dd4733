import { sql, type Kysely } from 'kysely';
import { canUseMacro, type CannedScope, type MacroStep } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';

/** A macro as stored: personal ones carry their owner, team ones their team. */
export type Macro = {
  id: string;
  title: string;
  scope: CannedScope;
  ownerId: string | null;
  teamId: string | null;
  teamName: string | null;
  steps: MacroStep[];
  createdAt: Date;
  updatedAt: Date;
};

type Row = {
  id: string;
  title: string;
  scope: string;
  owner_id: string | null;
  team_id: string | null;
  team_name: string | null;
  steps: MacroStep[] | string;
  created_at: Date | string;
  updated_at: Date | string;
};

const toMacro = (r: Row): Macro => ({
  id: r.id,
  title: r.title,
  scope: r.scope as CannedScope,
  ownerId: r.owner_id,
  teamId: r.team_id,
  teamName: r.team_name,
  steps: typeof r.steps === 'string' ? (JSON.parse(r.steps) as MacroStep[]) : r.steps,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const columns = sql`m.id::text AS id, m.title, m.scope, m.owner_id::text AS owner_id, m.team_id::text AS team_id,
  t.name AS team_name, m.steps, m.created_at, m.updated_at`;

/**
 * The macros the user may use, by title. The statement reads only candidates (their own, their
 * teams', the organisation's) through the three partial indexes; `canUseMacro` decides.
 */
export async function listMacros(db: Kysely<Database>, actor: AppUser): Promise<Macro[]> {
  const r = await sql<Row>`SELECT ${columns} FROM macros m LEFT JOIN teams t ON t.id = m.team_id
    WHERE m.owner_id = ${actor.id}::uuid
      OR m.team_id = ANY(${actor.teamIds}::uuid[])
      OR (m.owner_id IS NULL AND m.team_id IS NULL)
    ORDER BY lower(m.title), m.id`.execute(db);
  return r.rows.map(toMacro).filter((m) => canUseMacro(actor, m));
}

/** One macro by id, whoever may use it (the caller checks `canUseMacro`). */
export async function findMacro(db: Kysely<Database>, id: string): Promise<Macro | undefined> {
  const r = await sql<Row>`SELECT ${columns} FROM macros m LEFT JOIN teams t ON t.id = m.team_id
    WHERE m.id = ${id}::uuid`.execute(db);
  return r.rows[0] ? toMacro(r.rows[0]) : undefined;
}
