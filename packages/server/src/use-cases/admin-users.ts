import { sql, type Kysely } from 'kysely';
import { canonicalTimeZone } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { hashPassword } from '../auth/passwords.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { conflict, invalid, notFound, type FieldError } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { notifyAccessChanged } from '../realtime/hub.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';

/** A user as the admin endpoints return it; `timeZone` is the user's own (null: the organisation's). */
export type UserJson = {
  id: string;
  email: string;
  name: string;
  role: string;
  timeZone: string | null;
  teamIds: string[];
  active: boolean;
};

export type NewUser = { email: string; name: string; password: string; role: string; timeZone?: string | null; teamIds: string[] };
export type UserPatch = {
  name?: string;
  email?: string;
  role?: string;
  timeZone?: string | null;
  teamIds?: string[];
  active?: boolean;
  password?: string;
};

type UserRow = { id: string; email: string; name: string; role_id: string; time_zone: string | null; active: boolean; team_ids: string[] };

const toJson = (r: UserRow): UserJson => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role_id,
  timeZone: r.time_zone,
  teamIds: r.team_ids,
  active: r.active,
});

/** Every user (or one), with team ids; agents see the same list because they need colleagues' names. */
export async function listUsers(db: Kysely<Database>, id?: string): Promise<UserJson[]> {
  const r = await sql<UserRow>`SELECT u.id::text AS id, u.email, u.name, u.role_id, u.time_zone, u.active,
      array(SELECT tm.team_id::text FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS team_ids
    FROM users u ${id ? sql`WHERE u.id = ${id}::uuid` : sql``}
    ORDER BY lower(u.name), u.id`.execute(db);
  return r.rows.map(toJson);
}

/** The user with this id, or 404. */
export async function getUser(db: Kysely<Database>, id: string): Promise<UserJson> {
  const [u] = await listUsers(db, id);
  if (!u) throw notFound('User');
  return u;
}

/** Ids among `ids` that name no row of `table` (unknown references answer 400, not 500). */
export async function unknownIds(db: Kysely<Database>, table: 'users' | 'teams', ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
  const known = new Set(found.map((f) => f.id.toLowerCase()));
  return ids.filter((id) => !known.has(id));
}

/** Checks the references and the zone of a user's fields; returns the canonical zone. */
export async function checkFields(
  db: Kysely<Database>,
  f: { role?: string; teamIds?: string[]; timeZone?: string | null },
): Promise<string | null | undefined> {
  const errors: FieldError[] = [];
  if (f.role !== undefined && !(await db.selectFrom('roles').select('id').where('id', '=', f.role).executeTakeFirst())) {
    errors.push({ field: 'role', message: `no role "${f.role}"` });
  }
  const unknown = await unknownIds(db, 'teams', f.teamIds ?? []);
  if (unknown.length) errors.push({ field: 'teamIds', message: `unknown team ids: ${unknown.join(', ')}` });
  const zone = f.timeZone ? canonicalTimeZone(f.timeZone) : f.timeZone;
  if (zone === null && f.timeZone) errors.push({ field: 'timeZone', message: 'is not an IANA time zone' });
  if (errors.length) throw invalid(errors);
  return zone;
}

export const dedupe = (ids: string[]) => [...new Set(ids.map((i) => i.toLowerCase()))];

export async function setTeams(trx: Kysely<Database>, userId: string, teamIds: string[]): Promise<void> {
  await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
  if (teamIds.length)
    await trx
      .insertInto('team_members')
      .values(teamIds.map((t) => ({ team_id: t, user_id: userId })))
      .execute();
}

const duplicateEmail = (err: unknown) => {
  if (isUniqueViolation(err))
    return conflict('A user with this email already exists.', { fields: [{ field: 'email', message: 'is already used' }] });
  return err;
};

/** Creates a user with an argon2 password; emails are stored lowercase so they are unique however typed. */
/** What the audit log compares of a user (a password given is marked as set; its value never reaches the log). */
const audited = (u: UserJson, password?: string) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  timeZone: u.timeZone,
  teamIds: u.teamIds,
  active: u.active,
  ...(password !== undefined ? { password } : {}),
});
const userTarget = (u: UserJson) => ({ type: 'user', id: u.id, label: u.email });

export async function createUser(deps: Deps, actor: AuditActor, input: NewUser): Promise<UserJson> {
  const teamIds = dedupe(input.teamIds);
  const zone = await checkFields(deps.db.kysely, { role: input.role, teamIds, timeZone: input.timeZone ?? null });
  const passwordHash = await hashPassword(input.password);
  const id = uuidv7();
  const now = deps.clock.now();
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id,
          email: input.email.trim().toLowerCase(),
          name: input.name.trim(),
          password_hash: passwordHash,
          role_id: input.role,
          time_zone: zone ?? null,
          active: true,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await setTeams(trx, id, teamIds);
      const created = await getUser(trx, id);
      await recordAudit(trx, deps, actor, {
        action: 'user.created',
        target: userTarget(created),
        before: null,
        after: audited(created, input.password),
      });
    });
  } catch (err) {
    throw duplicateEmail(err);
  }
  return getUser(deps.db.kysely, id);
}

/**
 * Serialises changes that can remove an administrator (on the organisation row), so two admins
 * demoting each other at once cannot both succeed. Take it before any other lock.
 */
export async function lockAdminChanges(trx: Kysely<Database>): Promise<void> {
  await sql`SELECT id FROM organisation WHERE id = 1 FOR UPDATE`.execute(trx);
}

/** Refuses (409, rolling the transaction back) a change that leaves nobody able to manage users. */
export async function assertAdminRemains(trx: Kysely<Database>): Promise<void> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users u JOIN roles r ON r.id = u.role_id
    WHERE u.active AND 'admin.users' = ANY(r.permissions)`.execute(trx);
  if (r.rows[0]!.n === 0) throw conflict('This would leave no active administrator; make someone else an administrator first.');
}

function columnsOf(p: UserPatch, zone: string | null | undefined, passwordHash: string | undefined, now: Date) {
  return {
    updated_at: now,
    ...(p.name !== undefined ? { name: p.name.trim() } : {}),
    ...(p.email !== undefined ? { email: p.email.trim().toLowerCase() } : {}),
    ...(p.role !== undefined ? { role_id: p.role } : {}),
    ...(zone !== undefined ? { time_zone: zone } : {}),
    ...(p.active !== undefined ? { active: p.active } : {}),
    ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
  };
}

/**
 * Changes a user. Deactivating ends their sessions (their tokens stop working because only
 * active users authenticate); a new password ends their other sessions. The last active
 * administrator cannot be demoted or deactivated.
 */
export async function updateUser(deps: Deps, actor: AppUser, id: string, p: UserPatch): Promise<UserJson> {
  const guardsAdmins = p.role !== undefined || p.active === false;
  const passwordHash = p.password !== undefined ? await hashPassword(p.password) : undefined;
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      if (guardsAdmins) await lockAdminChanges(trx);
      const row = await trx.selectFrom('users').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      if (!row) throw notFound('User');
      const before = await getUser(trx, id);
      const teamIds = p.teamIds && dedupe(p.teamIds);
      const zone = await checkFields(trx, { role: p.role, teamIds, timeZone: p.timeZone });
      await trx
        .updateTable('users')
        .set(columnsOf(p, zone, passwordHash, deps.clock.now()))
        .where('id', '=', id)
        .execute();
      if (teamIds) await setTeams(trx, id, teamIds);
      if (teamIds || p.role !== undefined || p.active !== undefined) await notifyAccessChanged(trx, [id], deps.clock.now());
      if (p.active === false) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      else if (passwordHash !== undefined) {
        const keep = actor.id === id && actor.via === 'session' ? actor.credentialId : '';
        await trx.deleteFrom('sessions').where('user_id', '=', id).where('id', '<>', keep).execute();
      }
      if (guardsAdmins) await assertAdminRemains(trx);
      const after = await getUser(trx, id);
      await recordAudit(trx, deps, actor, {
        action: 'user.updated',
        target: userTarget(after),
        before: audited(before),
        after: audited(after, p.password),
      });
    });
  } catch (err) {
    throw duplicateEmail(err);
  }
  return getUser(deps.db.kysely, id);
}
