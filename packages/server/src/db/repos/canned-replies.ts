import { sql, type Kysely } from 'kysely';
import { canUseCannedReply, type CannedScope } from '@casework/domain';
import type { Database } from '../schema.ts';
import type { AppUser } from '../../auth/actor.ts';

/** A canned reply as stored: personal ones carry their owner, team ones their team. */
export type CannedReply = {
  id: string;
  title: string;
  body: string;
  scope: CannedScope;
  ownerId: string | null;
  teamId: string | null;
  teamName: string | null;
  createdAt: Date;
  updatedAt: Date;
};

type Row = {
  id: string;
  title: string;
  body: string;
  scope: string;
  owner_id: string | null;
  team_id: string | null;
  team_name: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

const toReply = (r: Row): CannedReply => ({
  id: r.id,
  title: r.title,
  body: r.body,
  scope: r.scope as CannedScope,
  ownerId: r.owner_id,
  teamId: r.team_id,
  teamName: r.team_name,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const columns = sql`r.id, r.title, r.body, r.scope, r.owner_id, r.team_id, t.name AS team_name, r.created_at, r.updated_at`;

/**
 * The canned replies the user may use, by title. The statement reads only candidates (their own,
 * their teams', the organisation's: owner and team both unset) through the three partial indexes;
 * `canUseCannedReply` decides.
 */
export async function listCannedReplies(db: Kysely<Database>, actor: AppUser): Promise<CannedReply[]> {
  const r = await sql<Row>`SELECT ${columns} FROM canned_replies r LEFT JOIN teams t ON t.id = r.team_id
    WHERE r.owner_id = ${actor.id}::uuid
      OR r.team_id = ANY(${actor.teamIds}::uuid[])
      OR (r.owner_id IS NULL AND r.team_id IS NULL)
    ORDER BY lower(r.title), r.id`.execute(db);
  return r.rows.map(toReply).filter((c) => canUseCannedReply(actor, c));
}

/** One canned reply by id, whoever may use it (the caller checks `canUseCannedReply`). */
export async function findCannedReply(db: Kysely<Database>, id: string): Promise<CannedReply | undefined> {
  const r = await sql<Row>`SELECT ${columns} FROM canned_replies r LEFT JOIN teams t ON t.id = r.team_id
    WHERE r.id = ${id}::uuid`.execute(db);
  return r.rows[0] ? toReply(r.rows[0]) : undefined;
}

/** The organisation's name, for the `{{organisation.name}}` placeholder. */
export async function organisationName(db: Kysely<Database>): Promise<string> {
  const o = await db.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirst();
  return o?.name ?? '';
}
