import { sql, type Kysely } from 'kysely';
import type { Actor, CaseType, TwoFactorPolicy } from '@casework/domain';
import type { Database } from '../db/schema.ts';

/** The signed-in user as every use case sees them: domain actor plus identity. */
export type AppUser = Actor & {
  email: string;
  name: string;
  roleId: string;
  ownTimeZone: string | null;
  via: 'session' | 'token';
  credentialId: string;
  /** Set for a channel-scoped API token: it acts only for this channel. */
  channelScope: ChannelScope | null;
  /** When the session ends (null for API tokens, which last until revoked). */
  expiresAt: Date | null;
  /** The user has a second factor; the organisation's policy on it (migration 024). */
  twoFactorEnabled: boolean;
  twoFactorPolicy: TwoFactorPolicy;
  /** The address the request came from (set per request by the auth hook; the audit log records it). */
  ip?: string;
};

type ChannelScope = { channelId: string; teamId: string; type: CaseType };

/**
 * What a channel-scoped token may do: create its channel's cases and work on its team's cases,
 * each only if its user may do as much (the broader permission counts too).
 */
const CHANNEL_TOKEN_PERMISSIONS: [string, string[]][] = [
  ['case.create', ['case.create']],
  ['case.view_team', ['case.view_team', 'case.view_all']],
  ['case.message.team', ['case.message.team', 'case.message']],
  ['case.follow', ['case.follow']],
];

type ActorRow = {
  id: string;
  email: string;
  name: string;
  role_id: string;
  time_zone: string | null;
  permissions: string[];
  team_ids: string[];
  org_zone: string;
  credential_id: string;
  scope_channel_id?: string | null;
  scope_team_id?: string | null;
  scope_type?: string | null;
  expires_at?: Date | string | null;
  two_factor_enabled: boolean;
  two_factor_policy: string;
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
  channelScope: null,
  expiresAt: r.expires_at ? new Date(r.expires_at) : null,
  twoFactorEnabled: r.two_factor_enabled,
  twoFactorPolicy: r.two_factor_policy as TwoFactorPolicy,
});

/** Narrows a token's user to what its channel allows (the intersection with the user's own rights). */
function scoped(u: AppUser, r: ActorRow): AppUser {
  if (!r.scope_channel_id) return u;
  return {
    ...u,
    permissions: new Set(CHANNEL_TOKEN_PERMISSIONS.filter(([, from]) => from.some((p) => u.permissions.has(p))).map(([p]) => p)),
    teamIds: [r.scope_team_id!],
    channelScope: { channelId: r.scope_channel_id, teamId: r.scope_team_id!, type: r.scope_type as CaseType },
  };
}

const tokenScopeColumns = sql`t.channel_id::text AS scope_channel_id, ch.team_id::text AS scope_team_id, ch.type AS scope_type`;
// A token of a deleted or inactive channel stops working.
const tokenScopeJoin = sql`LEFT JOIN channels ch ON ch.id = t.channel_id`;
const tokenScopeValid = sql`(t.channel_id IS NULL OR (ch.deleted_at IS NULL AND ch.active))`;

const actorColumns = sql`u.id::text AS id, u.email, u.name, u.role_id, u.time_zone, r.permissions,
  array(SELECT tm.team_id::text FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS team_ids,
  (SELECT o.time_zone FROM organisation o WHERE o.id = 1) AS org_zone,
  u.totp_enabled_at IS NOT NULL AS two_factor_enabled,
  (SELECT o.two_factor_required FROM organisation o WHERE o.id = 1) AS two_factor_policy`;

/** The active user behind a session id (hashed cookie), if the session is still valid. */
export async function findSessionUser(db: Kysely<Database>, sessionId: string, now: Date): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, s.id AS credential_id, s.expires_at
    FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = u.role_id
    WHERE s.id = ${sessionId} AND s.expires_at > ${now} AND u.active`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'session');
}

/** The active user behind an API token (hashed), if the token is not revoked. */
export async function findTokenUser(db: Kysely<Database>, tokenHash: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, t.id::text AS credential_id, ${tokenScopeColumns}
    FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id ${tokenScopeJoin}
    WHERE t.token_hash = ${tokenHash} AND t.revoked_at IS NULL AND u.active AND ${tokenScopeValid}`.execute(db);
  return r.rows[0] && scoped(toUser(r.rows[0], 'token'), r.rows[0]);
}

/** Loads a user by id as an actor (jobs, channels and tests act as someone). */
export async function findUserActor(db: Kysely<Database>, userId: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, '' AS credential_id
    FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ${userId}::uuid`.execute(db);
  return r.rows[0] && toUser(r.rows[0], 'session');
}

/** Re-reads the user behind a token id (live connections recheck their rights). */
export async function findTokenUserById(db: Kysely<Database>, tokenId: string): Promise<AppUser | undefined> {
  const r = await sql<ActorRow>`SELECT ${actorColumns}, t.id::text AS credential_id, ${tokenScopeColumns}
    FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id ${tokenScopeJoin}
    WHERE t.id = ${tokenId}::uuid AND t.revoked_at IS NULL AND u.active AND ${tokenScopeValid}`.execute(db);
  return r.rows[0] && scoped(toUser(r.rows[0], 'token'), r.rows[0]);
}
