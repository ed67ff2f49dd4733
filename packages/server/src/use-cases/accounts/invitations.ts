import { sql, type Kysely } from 'kysely';
import { expiryOf, oneTimeState, passwordSignInAllowed } from '@casework/domain';
import type { Deps } from '../../deps.ts';
import type { Database } from '../../db/schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { newOneTimeLink } from '../../auth/one-time-links.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { conflict, notFound } from '../../errors.ts';
import { uuidv7 } from '../../ids.ts';
import { checkFields, dedupe, setTeams } from '../admin-users.ts';
import { invitationMail, tokenLink } from './account-mails.ts';
import { recordAccountEvent, type RequestOrigin } from './account-events.ts';
import { checkToken, tokenRefused } from './one-time-tokens.ts';
import { sendOrRefuse } from './send-or-refuse.ts';
import { startSession, type StartedSession } from './sessions.ts';
import { assertPasswordSignInAllowed } from '../sign-in.ts';
import { loadSsoSettings } from './sso-settings.ts';

/** The web page an invitation link opens. */
export const INVITATION_PAGE = '/invitation';

export type InvitationJson = {
  id: string;
  email: string;
  name: string;
  role: string;
  teamIds: string[];
  invitedBy: string | null;
  createdAt: string;
  sentAt: string;
  expiresAt: string;
  /** The link has expired: resend it or revoke the invitation. */
  expired: boolean;
};
export type NewInvitation = { email: string; name: string; role: string; teamIds: string[] };

type Row = {
  id: string;
  email: string;
  name: string;
  role_id: string;
  team_ids: string[];
  invited_by: string | null;
  created_at: Date;
  sent_at: Date;
  expires_at: Date;
};

const toJson = (r: Row, now: Date): InvitationJson => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role_id,
  teamIds: r.team_ids.map(String),
  invitedBy: r.invited_by,
  createdAt: new Date(r.created_at).toISOString(),
  sentAt: new Date(r.sent_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
  expired: oneTimeState({ expiresAt: new Date(r.expires_at), usedAt: null }, now) === 'expired',
});

const open = (db: Kysely<Database>) =>
  db
    .selectFrom('invitations')
    .select(['id', 'email', 'name', 'role_id', 'team_ids', 'invited_by', 'created_at', 'sent_at', 'expires_at'])
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null);

/** The invitations not yet accepted or revoked (expired ones too, so they can be resent), newest first. */
export async function listInvitations(deps: Deps): Promise<InvitationJson[]> {
  const rows = await open(deps.db.kysely).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map((r) => toJson(r as Row, deps.clock.now()));
}

async function mailFor(deps: Deps, inv: { email: string; name: string }, actor: AppUser, token: string) {
  const org = await deps.db.kysely.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirstOrThrow();
  return invitationMail(inv, actor.name, org.name, tokenLink(deps.config, INVITATION_PAGE, token));
}

/**
 * An administrator invites someone: a single-use link valid 24 h is mailed to them. An earlier
 * open invitation to the address is replaced. If the mail cannot be sent nothing is kept (503/502).
 */
export async function inviteUser(deps: Deps, actor: AppUser, input: NewInvitation, origin: RequestOrigin): Promise<InvitationJson> {
  const db = deps.db.kysely;
  const email = input.email.trim().toLowerCase();
  const teamIds = dedupe(input.teamIds);
  await checkFields(db, { role: input.role, teamIds });
  const taken = await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', email).executeTakeFirst();
  if (taken) throw conflict('A user with this email already exists.', { fields: [{ field: 'email', message: 'already has an account' }] });
  const now = deps.clock.now();
  const link = newOneTimeLink(now.getTime());
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where(sql`lower(email)`, '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    await trx
      .insertInto('invitations')
      .values({
        id: link.id,
        email,
        name: input.name.trim(),
        role_id: input.role,
        team_ids: teamIds,
        secret_hash: link.secretHash,
        invited_by: actor.id,
        created_at: now,
        sent_at: now,
        expires_at: expiryOf('invitation', now),
      })
      .execute();
  });
  try {
    await sendOrRefuse(deps, await mailFor(deps, { email, name: input.name.trim() }, actor, link.token));
  } catch (err) {
    await db.deleteFrom('invitations').where('id', '=', link.id).execute();
    throw err;
  }
  // Kept only once the mail has left (a failed send removes the invitation): the entry with it.
  await recordAccountEvent(
    db,
    deps,
    { type: 'invitation.sent', invitationId: link.id, actorId: actor.id, email, role: input.role, teamIds },
    origin,
  );
  return toJson((await open(db).where('id', '=', link.id).executeTakeFirstOrThrow()) as Row, now);
}

/**
 * Sends an open invitation again with a new link valid 24 h from now. The new link replaces the
 * old one only once the mail has left, so a failed resend changes nothing.
 */
export async function resendInvitation(deps: Deps, actor: AppUser, id: string, origin: RequestOrigin): Promise<InvitationJson> {
  const db = deps.db.kysely;
  const inv = await open(db).where('id', '=', id).executeTakeFirst();
  if (!inv) throw notFound('Invitation');
  const now = deps.clock.now();
  const link = newOneTimeLink(now.getTime());
  // The token names the invitation's own id, so the link stays tied to this row.
  const token = `${id}.${link.token.split('.')[1]}`;
  await sendOrRefuse(deps, await mailFor(deps, inv, actor, token));
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('invitations')
      .set({ secret_hash: link.secretHash, sent_at: now, expires_at: expiryOf('invitation', now) })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('Invitation');
    await recordAccountEvent(trx, deps, { type: 'invitation.resent', invitationId: id, actorId: actor.id, email: inv.email }, origin);
  });
  return toJson((await open(db).where('id', '=', id).executeTakeFirstOrThrow()) as Row, now);
}

/** Withdraws an open invitation: its link stops working. */
export async function revokeInvitation(deps: Deps, actor: AppUser, id: string, origin: RequestOrigin): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('invitations')
      .set({ revoked_at: deps.clock.now() })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('email')
      .executeTakeFirst();
    if (!r) throw notFound('Invitation');
    await recordAccountEvent(trx, deps, { type: 'invitation.revoked', invitationId: id, actorId: actor.id, email: r.email }, origin);
  });
}

async function findByToken(deps: Deps, token: string) {
  return checkToken(
    token,
    async (id) => {
      const r = await deps.db.kysely
        .selectFrom('invitations')
        .select(['email', 'name', 'role_id', 'team_ids', 'secret_hash', 'expires_at', 'accepted_at', 'revoked_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return (
        r && {
          email: r.email,
          name: r.name,
          roleId: r.role_id,
          teamIds: r.team_ids.map(String),
          secretHash: r.secret_hash,
          expiresAt: r.expires_at,
          usedAt: r.accepted_at,
          revokedAt: r.revoked_at,
        }
      );
    },
    deps.clock.now(),
  );
}

/** What the invitation page shows before the invitee sets their password (400 if the link cannot be used). */
export async function previewInvitation(deps: Deps, token: string): Promise<InvitationPreview> {
  const inv = await findByToken(deps, token);
  const db = deps.db.kysely;
  const org = await db.selectFrom('organisation').select('name').where('id', '=', 1).executeTakeFirstOrThrow();
  const sso = await loadSsoSettings(db);
  const role = await db.selectFrom('roles').select('permissions').where('id', '=', inv.roleId).executeTakeFirst();
  const permissions = new Set<string>(role?.permissions ?? []);
  return {
    email: inv.email,
    name: inv.name,
    organisation: org.name,
    signInWith: sso.enabled ? sso.buttonLabel : null,
    passwordAllowed: passwordSignInAllowed({ ssoEnabled: sso.enabled, passwordLogin: sso.passwordLogin }, permissions),
  };
}

/** What the invitation page shows: who is invited, and how they may accept (provider, password or both). */
export type InvitationPreview = {
  email: string;
  name: string;
  organisation: string;
  /** The provider's button label while single sign-on is on, else null. */
  signInWith: string | null;
  passwordAllowed: boolean;
};

type OpenInvitation = { id: string; email: string; name: string; roleId: string; teamIds: string[] };

/**
 * The invitee accepts: a user with the invitation's role and teams (those still existing), their
 * name (as given, else the invitation's) and password, and a session. The invitation is taken in
 * the same transaction by a conditional UPDATE, so a link works once however many tabs submit it.
 * While single sign-on is on and passwords are for administrators only, an invitation to another
 * role is accepted by signing in with the provider instead.
 */
export async function acceptInvitation(
  deps: Deps,
  input: { token: string; name?: string; password: string },
  origin: RequestOrigin,
): Promise<StartedSession> {
  const inv = await findByToken(deps, input.token);
  const role = await deps.db.kysely.selectFrom('roles').select('permissions').where('id', '=', inv.roleId).executeTakeFirst();
  if (role) await assertPasswordSignInAllowed(deps, null, new Set(role.permissions), origin);
  const userId = await createInvitedUser(deps, inv, input.name, await hashPassword(input.password), origin);
  return startSession(deps, userId);
}

/** The open, unexpired invitation with this id (for a sign-in with the provider that accepts it), or null. */
export async function findOpenInvitation(deps: Deps, id: string): Promise<OpenInvitation | null> {
  const r = await open(deps.db.kysely).where('id', '=', id).where('expires_at', '>', deps.clock.now()).executeTakeFirst();
  return r ? { id: r.id, email: r.email, name: r.name, roleId: r.role_id, teamIds: r.team_ids.map(String) } : null;
}

/** The id of the invitation a link names, if the link can still be used (400 otherwise). */
export async function invitationIdOf(deps: Deps, token: string): Promise<string> {
  return (await findByToken(deps, token)).id;
}

/**
 * Takes the invitation (once: a conditional UPDATE) and creates its user, without a password when
 * the invitee signed in with the provider. Returns the new user's id.
 */
export async function createInvitedUser(
  deps: Deps,
  inv: OpenInvitation,
  name: string | undefined,
  passwordHash: string | null,
  origin: RequestOrigin,
): Promise<string> {
  const now = deps.clock.now();
  const userId = uuidv7();
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable('invitations')
        .set({ accepted_at: now })
        .where('id', '=', inv.id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      if (!taken) throw tokenRefused('used');
      const role = await trx.selectFrom('roles').select('id').where('id', '=', inv.roleId).executeTakeFirst();
      if (!role) throw conflict('The role this invitation gives no longer exists. Ask an administrator for a new invitation.');
      await trx
        .insertInto('users')
        .values({
          id: userId,
          email: inv.email,
          name: (name ?? inv.name).trim() || inv.name,
          password_hash: passwordHash,
          role_id: inv.roleId,
          time_zone: null,
          active: true,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const teams = inv.teamIds.length ? await trx.selectFrom('teams').select('id').where('id', 'in', inv.teamIds).execute() : [];
      await setTeams(
        trx,
        userId,
        teams.map((t) => t.id),
      );
      await trx.updateTable('invitations').set({ user_id: userId }).where('id', '=', inv.id).execute();
      await recordAccountEvent(trx, deps, { type: 'invitation.accepted', invitationId: inv.id, userId, email: inv.email }, origin);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict('An account with this email already exists. Sign in instead, or reset your password.', {
        fields: [{ field: 'token', message: 'is for an address that already has an account' }],
      });
    }
    throw err;
  }
  return userId;
}
