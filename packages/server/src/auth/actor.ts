import { sql, type Kysely } from 'kysely';
import type { Actor } from '@casework/domain';
import type { Database } from '../db/schema.ts';

/** The signed-in user as every use case sees them: domain actor plus identity. */
export type AppUser = Actor & {
  email: string;
  name: string;
  roleId: string;
  ownTimeZone: string | null;
  via: 'session' | 'token';
  credentialId: string;
};

type ActorRow = {
  id: string; email: string; name: string; role_id: string; time_zone: string | null;
  permissions: string[]; team_ids: string[]; org_zone: string; credential_id: string;
};

const toUser = (r: ActorRow, via: AppUser['via']): AppUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  roleId: r.role_id,
  ownTimeZone: r.time_zone,
  timeZone: r.time_zone ?? r.org_zone,
  permissions: new Set(r.permissions),
  teamIds: r.team_ids,
  via,
  credentialId: r.credential_id,
});

const actorColumns = sql`u.id::text AS id, u.email, u.name, u.role_id, u.time_zone, r.permissions,
  array(SELECT tm.team_id::text FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS team_ids,
  (SELECT o.time_zone FROM organisation o WHERE o.id = 1) AS org_zone`;

/** The active user behind a session id (hashed cookie), if the session is still valid. */
export async function findSessionUser(db: Kysely<Database>, sessionId: string, now: Date): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, s.id AS credential_id
    FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = u.role_id
    WHERE s.id = ${sessionId} AND s.expires_at > ${now} AND u.active`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'session');
}

/** The active user behind an API token (hashed), if the token is not revoked. */
export async function findTokenUser(db: Kysely<Database>, tokenHash: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, t.id::text AS credential_id
    FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id
    WHERE t.token_hash = ${tokenHash} AND t.revoked_at IS NULL AND u.active`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'token');
}

/** Loads a user by id as an actor (jobs, channels and tests act as someone). */
export async function findUserActor(db: Kysely<Database>, userId: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, '' AS credential_id
    FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${userId}::uuid`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'session');
}

/** Re-reads the user behind a token id (live connections recheck their rights). */
export async function findTokenUserById(db: Kysely<Database>, tokenId: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, t.id::text AS credential_id
    FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id
    WHERE t.id = ${tokenId}::uuid AND t.revoked_at IS NULL AND u.active`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'token');
}
