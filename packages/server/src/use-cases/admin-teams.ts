import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { notifyAccessChanged } from '../realtime/hub.ts';
import { unknownIds } from './admin-users.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';

export type TeamJson = { id: string; name: string; memberIds: string[] };

/** Every team (or one) with its member ids, by name. Any signed-in user may list them. */
export async function listTeams(db: Kysely<Database>, id?: string): Promise<TeamJson[]> {
  const r = await sql<{ id: string; name: string; member_ids: string[] }>`SELECT t.id::text AS id, t.name,
      array(SELECT tm.user_id::text FROM team_members tm WHERE tm.team_id = t.id ORDER BY tm.user_id) AS member_ids
    FROM teams t ${id ? sql`WHERE t.id = ${id}::uuid` : sql``}
    ORDER BY lower(t.name), t.id`.execute(db);
  return r.rows.map((t) => ({ id: t.id, name: t.name, memberIds: t.member_ids }));
}

/** The team with this id, or 404. */
export async function getTeam(db: Kysely<Database>, id: string): Promise<TeamJson> {
  const [t] = await listTeams(db, id);
  if (!t) throw notFound('Team');
  return t;
}

const team = (id: string, name: string) => ({ type: 'team', id, label: name });

const duplicateName = (err: unknown) =>
  isUniqueViolation(err)
    ? conflict('A team with this name already exists.', { fields: [{ field: 'name', message: 'is already used' }] })
    : err;

/** Creates an empty team; names are unique regardless of case. */
export async function createTeam(deps: Deps, actor: AuditActor, name: string): Promise<TeamJson> {
  const id = uuidv7();
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      await trx.insertInto('teams').values({ id, name: name.trim(), created_at: deps.clock.now() }).execute();
      await recordAudit(trx, deps, actor, {
        action: 'team.created',
        target: team(id, name.trim()),
        before: null,
        after: { name: name.trim() },
      });
    });
  } catch (err) {
    throw duplicateName(err);
  }
  return { id, name: name.trim(), memberIds: [] };
}

/** Renames a team and/or replaces its members (unknown user ids answer 400). */
export async function updateTeam(deps: Deps, actor: AuditActor, id: string, p: { name?: string; memberIds?: string[] }): Promise<TeamJson> {
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('teams').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!locked) throw notFound('Team');
      const before = await getTeam(trx, id);
      if (p.name !== undefined) await trx.updateTable('teams').set({ name: p.name.trim() }).where('id', '=', id).execute();
      if (p.memberIds !== undefined) {
        const members = [...new Set(p.memberIds.map((m) => m.toLowerCase()))];
        const unknown = await unknownIds(trx, 'users', members);
        if (unknown.length) throw invalid([{ field: 'memberIds', message: `unknown user ids: ${unknown.join(', ')}` }]);
        const removed = await trx.deleteFrom('team_members').where('team_id', '=', id).returning('user_id').execute();
        if (members.length)
          await trx
            .insertInto('team_members')
            .values(members.map((u) => ({ team_id: id, user_id: u })))
            .execute();
        await notifyAccessChanged(trx, [...removed.map((r) => r.user_id), ...members], deps.clock.now());
      }
      const after = await getTeam(trx, id);
      await recordAudit(trx, deps, actor, {
        action: 'team.updated',
        target: team(id, after.name),
        before: { name: before.name, memberIds: before.memberIds },
        after: { name: after.name, memberIds: after.memberIds },
      });
    });
  } catch (err) {
    throw duplicateName(err);
  }
  return getTeam(deps.db.kysely, id);
}

/** Deletes a team that has no cases (cases must keep an owner team; move them first). */
export async function deleteTeam(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('teams').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!locked) throw notFound('Team');
      const used = await trx.selectFrom('cases').select('id').where('team_id', '=', id).limit(1).executeTakeFirst();
      if (used) throw conflict('The team still has cases; move them to another team first.');
      const before = await getTeam(trx, id);
      await trx.deleteFrom('teams').where('id', '=', id).execute();
      await recordAudit(trx, deps, actor, {
        action: 'team.deleted',
        target: team(id, before.name),
        before: { name: before.name, memberIds: before.memberIds },
        after: null,
      });
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) throw conflict('The team is still in use (for example by a channel); change that first.');
    throw err;
  }
}
