import { timingSafeEqual } from 'node:crypto';
import { expiryOf, safeReturnPath, type SsoOutcome, type SsoRefusal, ssoOutcome, ssoScopes, stepAfterPassword } from '@casework/domain';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { authorisationRequest, discoverProvider, exchangeCode, providerFailure, type VerifiedIdentity } from '../../auth/oidc-client.ts';
import { Problem } from '../../errors.ts';
import { randomToken, sha256, uuidv7 } from '../../ids.ts';
import { setTeams } from '../admin-users.ts';
import { recordAccountEvent, type RequestOrigin } from './account-events.ts';
import { createInvitedUser, findOpenInvitation, invitationIdOf } from './invitations.ts';
import { type PendingSignIn, startPendingSignIn, startSession, type StartedSession } from './sessions.ts';
import { callbackUrl, loadSsoSettings, type SsoSettings, SSO_CALLBACK_PATH } from './sso-settings.ts';
import { organisationPolicy } from './two-factor.ts';

/**
 * A sign-in through the organisation's OpenID provider (SPEC §14): authorisation code with PKCE.
 * `startSsoSignIn` keeps the state, nonce and PKCE verifier server-side (`sso_sign_ins`, found by
 * the hash of an HttpOnly cookie, 10 minutes) and sends the browser to the provider;
 * `finishSsoSignIn` takes that row (deleted as it is read, so a callback works once), checks the
 * state, lets openid-client exchange the code and check the ID token, and then applies the domain's
 * `ssoOutcome`. The browser always ends on a page of the app: where it was going, the second-factor
 * step, or the sign-in page with the refusal's code. Every outcome is recorded.
 */

/** Where a browser is sent next, and the cookies that go with it. */
export type SsoStep = {
  location: string;
  /** The sign-in's own cookie (start only). */
  flow?: { token: string; expires: Date };
  session?: StartedSession;
  pending?: PendingSignIn;
};

const refusedAt = (reason: SsoRefusal) => `/login?sso=${reason}`;

class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly detail?: string,
    readonly email: string | null = null,
    readonly userId: string | null = null,
  ) {
    super(reason);
  }
}

async function refuse(deps: Deps, err: SsoRefused, origin: RequestOrigin): Promise<SsoStep> {
  await recordAccountEvent(
    deps.db.kysely,
    deps,
    {
      type: 'sign_in.failed',
      method: 'sso',
      userId: err.userId,
      email: err.email,
      reason: err.reason,
      ...(err.detail ? { detail: err.detail } : {}),
    },
    origin,
  );
  return { location: refusedAt(err.reason) };
}

async function providerOf(deps: Deps, settings: SsoSettings) {
  if (!settings.enabled || !settings.issuer || !settings.clientId || !settings.clientSecret) throw new SsoRefused('sso_off');
  try {
    return await discoverProvider(
      { issuer: settings.issuer, clientId: settings.clientId, clientSecret: settings.clientSecret },
      deps.config.outboundAllow,
    );
  } catch (err) {
    throw new SsoRefused('provider_error', `discovery: ${providerFailure(err)}`);
  }
}

/** Starts a sign-in at the provider: `next` is where to return (a path of this site), `invitation` a link's token it accepts. */
export async function startSsoSignIn(deps: Deps, input: { next?: string; invitation?: string }, origin: RequestOrigin): Promise<SsoStep> {
  try {
    let invitationId: string | null = null;
    if (input.invitation) {
      try {
        invitationId = await invitationIdOf(deps, input.invitation);
      } catch (err) {
        if (err instanceof Problem) throw new SsoRefused('invitation_invalid', err.detail);
        throw err;
      }
    }
    const settings = await loadSsoSettings(deps.db.kysely);
    const config = await providerOf(deps, settings);
    const request = await authorisationRequest(config, callbackUrl(deps), ssoScopes(settings.scopes));
    const now = deps.clock.now();
    const token = randomToken('', 32);
    const expires = expiryOf('sso_sign_in', now);
    await deps.db.kysely
      .insertInto('sso_sign_ins')
      .values({
        id: sha256(token),
        state: request.state,
        nonce: request.nonce,
        code_verifier: request.codeVerifier,
        return_to: safeReturnPath(input.next),
        invitation_id: invitationId,
        created_at: now,
        expires_at: expires,
      })
      .execute();
    // Sign-ins abandoned at the provider are cleared by the next one.
    await deps.db.kysely.deleteFrom('sso_sign_ins').where('expires_at', '<=', now).execute();
    return { location: request.url.href, flow: { token, expires } };
  } catch (err) {
    if (err instanceof SsoRefused) return refuse(deps, err, origin);
    throw err;
  }
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The provider sent the browser back: `query` is the callback's query string as received. */
export async function finishSsoSignIn(
  deps: Deps,
  flowToken: string | undefined,
  query: URLSearchParams,
  origin: RequestOrigin,
): Promise<SsoStep> {
  try {
    const db = deps.db.kysely;
    const now = deps.clock.now();
    const flow = flowToken
      ? await db.deleteFrom('sso_sign_ins').where('id', '=', sha256(flowToken)).returningAll().executeTakeFirst()
      : undefined;
    if (!flow || new Date(flow.expires_at).getTime() <= now.getTime())
      throw new SsoRefused('state_missing', flowToken ? 'unknown, used or expired sign-in' : 'no sign-in cookie');
    if (!sameText(query.get('state') ?? '', flow.state)) throw new SsoRefused('state_mismatch');
    if (query.has('error'))
      throw new SsoRefused('provider_error', `${query.get('error')}: ${query.get('error_description') ?? ''}`.slice(0, 300));
    const settings = await loadSsoSettings(db);
    const config = await providerOf(deps, settings);
    let identity: VerifiedIdentity;
    try {
      const url = new URL(`${SSO_CALLBACK_PATH}?${query}`, callbackUrl(deps));
      identity = await exchangeCode(config, url, { state: flow.state, nonce: flow.nonce, codeVerifier: flow.code_verifier });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const reason = typeof code === 'string' && code.startsWith('OAUTH_') ? 'token_invalid' : 'provider_error';
      throw new SsoRefused(reason, providerFailure(err));
    }
    const session = await signInAs(deps, identity, settings, flow.invitation_id, origin);
    return session.pending
      ? { location: `/login?step=code&next=${encodeURIComponent(flow.return_to)}`, pending: session.pending }
      : { location: flow.return_to, session: session.session };
  } catch (err) {
    if (err instanceof SsoRefused) return refuse(deps, err, origin);
    throw err;
  }
}

async function matchingUser(deps: Deps, email: string | null) {
  if (!email) return undefined;
  return deps.db.kysely
    .selectFrom('users')
    .select(['id', 'active'])
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

/** Applies the domain's outcome: the user who signs in (created or accepted if need be), then their second factor if any. */
async function signInAs(
  deps: Deps,
  identity: VerifiedIdentity,
  settings: SsoSettings,
  invitationId: string | null,
  origin: RequestOrigin,
): Promise<{ session?: StartedSession; pending?: PendingSignIn }> {
  const invitation = invitationId ? await findOpenInvitation(deps, invitationId) : null;
  if (invitationId && !invitation) throw new SsoRefused('invitation_invalid', 'used, revoked or expired', identity.email);
  const match = await matchingUser(deps, identity.email);
  const outcome: SsoOutcome = ssoOutcome(identity, match ?? null, settings, invitation);
  let userId: string;
  if (outcome.kind === 'refused') throw new SsoRefused(outcome.reason, undefined, identity.email, match?.id ?? null);
  if (outcome.kind === 'sign_in') userId = outcome.userId;
  else if (outcome.kind === 'accept_invitation') {
    try {
      userId = await createInvitedUser(deps, invitation!, identity.name ?? undefined, null, origin);
    } catch (err) {
      if (err instanceof Problem) throw new SsoRefused('invitation_invalid', err.detail, identity.email);
      throw err;
    }
  } else userId = await createSsoUser(deps, identity, settings, origin);
  return secondStep(deps, userId, origin);
}

/** A user made on first sign-in: the settings' default role and teams (those that still exist), no password. */
async function createSsoUser(deps: Deps, identity: VerifiedIdentity, settings: SsoSettings, origin: RequestOrigin): Promise<string> {
  const email = identity.email!.trim().toLowerCase();
  const userId = uuidv7();
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    const role = await trx.selectFrom('roles').select('id').where('id', '=', settings.defaultRole).executeTakeFirst();
    if (!role) throw new SsoRefused('default_role_missing', settings.defaultRole, email);
    await trx
      .insertInto('users')
      .values({
        id: userId,
        email,
        name: identity.name?.trim().slice(0, 200) || email.split('@')[0]!,
        password_hash: null,
        role_id: role.id,
        time_zone: null,
        active: true,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const teams = settings.defaultTeamIds.length
      ? await trx.selectFrom('teams').select('id').where('id', 'in', settings.defaultTeamIds).execute()
      : [];
    await setTeams(
      trx,
      userId,
      teams.map((t) => t.id),
    );
    await recordAccountEvent(trx, deps, { type: 'user.created_by_sso', userId, email }, origin);
  });
  return userId;
}

/**
 * The second factor applies to a sign-in through the provider as to one with a password (the
 * domain's `stepAfterPassword`): a user with TOTP gives their code before any session exists, one
 * the policy requires to have it gets a session that may only enrol.
 */
async function secondStep(
  deps: Deps,
  userId: string,
  origin: RequestOrigin,
): Promise<{ session?: StartedSession; pending?: PendingSignIn }> {
  const user = await deps.db.kysely
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.totp_enabled_at', 'roles.permissions'])
    .where('users.id', '=', userId)
    .executeTakeFirstOrThrow();
  const step = stepAfterPassword(
    { twoFactorEnabled: user.totp_enabled_at !== null, permissions: new Set(user.permissions) },
    await organisationPolicy(deps.db.kysely),
  );
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (step === 'second_factor') {
      await recordAccountEvent(trx, deps, { type: 'sign_in.second_factor_needed', userId }, origin);
      return { pending: await startPendingSignIn(deps, userId, trx) };
    }
    await recordAccountEvent(trx, deps, { type: 'sign_in.succeeded', userId, method: 'sso' }, origin);
    return { session: await startSession(deps, userId, trx) };
  });
}
