import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';
import { accountFingerprint, cookieCall, passwordSignIn, setPassword } from '../test-support/accounts.ts';
import { signInAtProvider, startTestProvider, type ProviderVariant, type TestProvider } from '../test-support/oidc-provider.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';
import { PENDING_COOKIE } from '../http/session-cookie.ts';
import { newOneTimeLink } from '../auth/one-time-links.ts';
import { callbackUrl } from '../use-cases/accounts/sso-settings.ts';
import type { AccountEvent } from '../use-cases/accounts/account-events.ts';

/** The apps of this file all listen (in their config) on the default address, so one redirect URI serves them. */
const CALLBACK = 'http://127.0.0.1:3000/api/v1/auth/oidc/callback';
const FLOW = 'casework_sso';

let provider: TestProvider;
beforeAll(async () => {
  provider = await startTestProvider([CALLBACK]);
}, 60_000);
afterAll(async () => provider?.stop());

describe.each(DB_KINDS)('single sign-on with OpenID Connect (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;
  let teamId: string;
  let recorded: AccountEvent[];

  beforeAll(async () => {
    t = await startTestApp(kind);
    expect(callbackUrl(t.deps)).toBe(CALLBACK);
    admin = await makeUser(t.db, { role: 'admin' });
    agent = await makeUser(t.db, { role: 'agent', email: 'verified@example.test' });
    await makeUser(t.db, { role: 'agent', email: 'unverified@example.test' });
    teamId = await makeTeam(t.db, 'Support');
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    recorded = [];
    vi.spyOn(t.deps.log, 'info').mockImplementation(((obj: unknown) => {
      const account = (obj as { account?: AccountEvent } | undefined)?.account;
      if (account) recorded.push(account);
    }) as never);
  });

  const settings = (body: Record<string, unknown>) => call(t, admin, 'PUT', '/api/v1/organisation/sso', body);
  const useIssuer = async (variant: ProviderVariant = 'good', extra: Record<string, unknown> = {}) => {
    const r = await settings({
      enabled: true,
      issuer: provider.issuer(variant),
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      createUsers: false,
      passwordLogin: 'everyone',
      ...extra,
    });
    expect(r.statusCode, r.body).toBe(200);
    recorded.length = 0;
  };
  const settingsRow = () => t.db.kysely.selectFrom('sso_settings').selectAll().executeTakeFirstOrThrow();

  /** Starts a sign-in here, signs in at the provider, and brings the browser back: the callback's answer. */
  async function ssoSignIn(login: string, opts: { next?: string; invitation?: string; tamper?: (callback: URL) => void } = {}) {
    let location: string;
    let flow: string;
    if (opts.invitation) {
      const start = await cookieCall(t, {}, 'POST', '/api/v1/auth/oidc/start', { invitation: opts.invitation });
      expect(start.statusCode, start.body).toBe(200);
      location = start.data.location;
      flow = start.set[FLOW]!;
    } else {
      const start = await cookieCall(t, {}, 'GET', `/api/v1/auth/oidc/start${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`);
      expect(start.statusCode, start.body).toBe(302);
      location = String(start.headers.location);
      flow = start.set[FLOW]!;
    }
    expect(location.startsWith(provider.issuer('good').replace('/good', ''))).toBe(true);
    expect(flow).toBeTruthy();
    const back = await signInAtProvider(location, login, CALLBACK);
    opts.tamper?.(back);
    const callback = () => cookieCall(t, { [FLOW]: flow }, 'GET', `${back.pathname}${back.search}`);
    const done = await callback();
    expect(done.statusCode, done.body).toBe(302);
    return { done, location: String(done.headers.location), again: callback, authorisation: new URL(location) };
  }
  const me = (session: string | undefined) => cookieCall(t, session ? { [SESSION_COOKIE]: session } : {}, 'GET', '/api/v1/me');
  const failures = () => recorded.filter((e) => e.type === 'sign_in.failed');
  /** The audit log's entries of an action on a target, written in the transaction of the change. */
  const audited = (action: string, targetId: string) =>
    t.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).where('target_id', '=', targetId).execute();

  describe('settings', () => {
    it('admins read and change them; the secret is write-only; others are refused', async () => {
      expectProblem(await call(t, null, 'GET', '/api/v1/organisation/sso'), 401, 'unauthenticated');
      expectProblem(await call(t, agent, 'GET', '/api/v1/organisation/sso'), 403, 'forbidden');
      expectProblem(await call(t, agent, 'PUT', '/api/v1/organisation/sso', { enabled: false }), 403, 'forbidden');
      const before = await call(t, admin, 'GET', '/api/v1/organisation/sso');
      expect(before.data).toMatchObject({ enabled: false, clientSecret: null, scopes: 'openid email profile', redirectUri: CALLBACK });
      const saved = await settings({
        enabled: true,
        issuer: `${provider.issuer()}/`,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        scopes: 'email profile',
        buttonLabel: 'Acme login',
        createUsers: true,
        defaultRole: 'viewer',
        defaultTeamIds: [teamId],
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.data).toMatchObject({
        enabled: true,
        issuer: provider.issuer(),
        clientSecret: '********',
        scopes: 'openid email profile',
        buttonLabel: 'Acme login',
        defaultRole: 'viewer',
        defaultTeamIds: [teamId],
      });
      expect(JSON.stringify((await call(t, admin, 'GET', '/api/v1/organisation/sso')).data)).not.toContain(provider.clientSecret);
      const row = await settingsRow();
      expect(row.client_secret).not.toContain(provider.clientSecret);
      // Sending the mask back keeps the secret.
      expect((await settings({ clientSecret: '********', buttonLabel: 'Acme' })).statusCode).toBe(200);
      expect((await settingsRow()).client_secret).toBe(row.client_secret);
      const change = recorded.filter((e) => e.type === 'sso_settings.changed').at(-1);
      expect(change).toEqual({
        type: 'sso_settings.changed',
        actorId: admin.id,
        changes: { buttonLabel: { from: 'Acme login', to: 'Acme' } },
      });
      expect(JSON.stringify(recorded)).not.toContain(provider.clientSecret);
      expect((await call(t, null, 'GET', '/api/v1/auth/methods')).data).toEqual({
        sso: { label: 'Acme', startUrl: '/api/v1/auth/oidc/start' },
        passwordLogin: 'everyone',
      });
    });

    it.each([
      ['a private address', { issuer: 'https://10.1.2.3/realms/x' }, 'issuer', /loopback, private, link-local/],
      ['the metadata address', { issuer: 'https://169.254.169.254' }, 'issuer', /CASEWORK_OUTBOUND_ALLOW/],
      ['plain http elsewhere', { issuer: 'http://login.example.com' }, 'issuer', /https/],
      ['not a URL', { issuer: 'login' }, 'issuer', /URL/],
      ['a provider that does not answer', { issuer: 'http://127.0.0.1:9/nothing' }, 'issuer', /discovery document/],
      ['no client id', { clientId: null }, 'clientId', /required/],
      ['an unknown default role', { defaultRole: 'wizard' }, 'defaultRole', /no role/],
      ['an unknown team', { defaultTeamIds: ['018f0000-0000-7000-8000-000000000000'] }, 'defaultTeamIds', /unknown team/],
    ])('%s is refused, naming the field; nothing changes; the refusal is recorded', async (_name, patch, field, message) => {
      await useIssuer();
      const before = await settingsRow();
      const r = expectProblem(await settings({ enabled: true, ...patch }), 400, 'validation_failed');
      expect(r.fields.find((f: { field: string }) => f.field === field)?.message).toMatch(message);
      expect(await settingsRow()).toEqual(before);
      expect(recorded).toEqual([{ type: 'sso_settings.refused', actorId: admin.id, fields: r.fields }]);
      const [entry] = await t.db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'sso_settings.refused')
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .execute();
      expect(entry).toMatchObject({ actor_id: admin.id, target_type: 'sso_settings', detail: { fields: r.fields } });
    });

    it('a loopback issuer is refused when CASEWORK_OUTBOUND_ALLOW does not list it', async () => {
      const allow = t.deps.config.outboundAllow;
      t.deps.config.outboundAllow = [];
      try {
        const before = await settingsRow();
        const r = expectProblem(await settings({ enabled: true, issuer: provider.issuer() }), 400, 'validation_failed');
        expect(r.fields[0]).toMatchObject({ field: 'issuer' });
        expect(r.fields[0].message).toMatch(/loopback, private/);
        expect(await settingsRow()).toEqual(before);
      } finally {
        t.deps.config.outboundAllow = allow;
      }
    });

    it('passwords can be kept for administrators only while single sign-on is on', async () => {
      await useIssuer();
      const r = expectProblem(await settings({ enabled: false, passwordLogin: 'admins' }), 400, 'validation_failed');
      expect(r.fields).toEqual([{ field: 'passwordLogin', message: 'can be limited to administrators only while single sign-on is on' }]);
    });
  });

  describe('signing in', () => {
    it('a user with a verified email signs in and returns where they were going', async () => {
      await useIssuer();
      const { done, location, authorisation } = await ssoSignIn('verified@example.test', { next: '/cases?status=new' });
      // Authorisation code with PKCE (S256), state and nonce.
      expect(authorisation.searchParams.get('response_type')).toBe('code');
      expect(authorisation.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorisation.searchParams.get('state')).toBeTruthy();
      expect(authorisation.searchParams.get('nonce')).toBeTruthy();
      expect(authorisation.searchParams.get('redirect_uri')).toBe(CALLBACK);
      expect(location).toBe('/cases?status=new');
      const session = done.set[SESSION_COOKIE];
      expect((await me(session)).data.id).toBe(agent.id);
      expect(recorded).toContainEqual({ type: 'sign_in.succeeded', userId: agent.id, method: 'sso' });
      expect(await t.db.kysely.selectFrom('sso_sign_ins').select('id').execute()).toEqual([]);
      // Logging out ends the Casework session.
      expect((await cookieCall(t, { [SESSION_COOKIE]: session! }, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
      expect((await me(session)).statusCode).toBe(401);
    });

    it('the return address is a path of this site only (no open redirect)', async () => {
      await useIssuer();
      for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
        const { location } = await ssoSignIn('verified@example.test', { next });
        expect(location).toBe('/');
      }
    });

    it('an unverified email is refused with its reason; nothing changes; recorded', async () => {
      await useIssuer('good', { createUsers: true });
      const before = await accountFingerprint(t);
      const { done, location } = await ssoSignIn('unverified@example.test');
      expect(location).toBe('/login?sso=email_unverified');
      expect(done.set[SESSION_COOKIE]).toBeUndefined();
      expect(await accountFingerprint(t)).toBe(before);
      expect(failures()).toEqual([
        expect.objectContaining({ method: 'sso', reason: 'email_unverified', email: 'unverified@example.test' }),
      ]);
    });

    it('only existing users: an unknown address is refused; creating users: it gets the default role and teams', async () => {
      await useIssuer('good', { createUsers: false });
      const before = await accountFingerprint(t);
      expect((await ssoSignIn('newcomer@example.test')).location).toBe('/login?sso=unknown_user');
      expect(await accountFingerprint(t)).toBe(before);
      expect(failures()[0]).toMatchObject({ reason: 'unknown_user', email: 'newcomer@example.test' });

      await useIssuer('good', { createUsers: true, defaultRole: 'viewer', defaultTeamIds: [teamId] });
      const { done, location } = await ssoSignIn('newcomer@example.test');
      expect(location).toBe('/');
      const created = (await me(done.set[SESSION_COOKIE])).data;
      expect(created).toMatchObject({ email: 'newcomer@example.test', role: 'viewer', teamIds: [teamId], name: 'newcomer' });
      expect(recorded).toContainEqual({ type: 'user.created_by_sso', userId: created.id, email: 'newcomer@example.test' });
      expect(await audited('user.created', created.id)).toMatchObject([{ actor_id: created.id, detail: { via: 'sso' } }]);
      // The second time it is the same user.
      const again = await ssoSignIn('newcomer@example.test');
      expect((await me(again.done.set[SESSION_COOKIE])).data.id).toBe(created.id);
    });

    it('a deactivated user is refused', async () => {
      await useIssuer('good', { createUsers: true });
      const gone = await makeUser(t.db, { role: 'agent', email: 'gone@example.test' });
      await t.db.kysely.updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
      expect((await ssoSignIn('gone@example.test')).location).toBe('/login?sso=user_inactive');
    });

    it.each([
      ['wrong-aud', /aud/],
      ['wrong-iss', /iss/],
      ['wrong-nonce', /nonce/],
      ['wrong-sig', /signature/],
      ['expired', /exp|timestamp/i],
    ] as const)('an ID token with %s is refused by its validation; nothing changes; recorded', async (variant, detail) => {
      await useIssuer(variant);
      const before = await accountFingerprint(t);
      const { done, location } = await ssoSignIn('verified@example.test');
      expect(location).toBe('/login?sso=token_invalid');
      expect(done.set[SESSION_COOKIE]).toBeUndefined();
      expect(await accountFingerprint(t)).toBe(before);
      const [failure] = failures();
      expect(failure).toMatchObject({ method: 'sso', reason: 'token_invalid' });
      expect((failure as { detail: string }).detail).toMatch(detail);
    });

    it('a changed state, a replayed callback and a callback without its cookie are refused', async () => {
      await useIssuer();
      const before = await accountFingerprint(t);
      const mismatch = await ssoSignIn('verified@example.test', { tamper: (u) => u.searchParams.set('state', 'forged-state') });
      expect(mismatch.location).toBe('/login?sso=state_mismatch');
      // The sign-in is used up by the refusal too: the right state cannot follow.
      const used = await ssoSignIn('verified@example.test');
      expect(used.location).toBe('/');
      const replay = await used.again();
      expect(replay.headers.location).toBe('/login?sso=state_missing');
      expect(replay.set[SESSION_COOKIE]).toBeUndefined();
      const noCookie = await cookieCall(t, {}, 'GET', '/api/v1/auth/oidc/callback?code=x&state=y');
      expect(noCookie.headers.location).toBe('/login?sso=state_missing');
      expect(failures().map((f) => f.reason)).toEqual(['state_mismatch', 'state_missing', 'state_missing']);
      // Only the one good sign-in made a session.
      const sessions = await t.db.kysely.selectFrom('sessions').select('id').where('user_id', '=', agent.id).execute();
      expect(sessions.length).toBeGreaterThan(0);
      expect((await accountFingerprint(t)).split('|').slice(0, 4)).toEqual(before.split('|').slice(0, 4));
    });

    it('the provider refusing (the user cancels) comes back as a refusal', async () => {
      await useIssuer();
      const start = await cookieCall(t, {}, 'GET', '/api/v1/auth/oidc/start');
      const state = new URL(String(start.headers.location)).searchParams.get('state');
      const back = await cookieCall(
        t,
        { [FLOW]: start.set[FLOW]! },
        'GET',
        `/api/v1/auth/oidc/callback?error=access_denied&state=${state}`,
      );
      expect(back.headers.location).toBe('/login?sso=provider_error');
      expect(failures()[0]).toMatchObject({ reason: 'provider_error', detail: expect.stringMatching(/access_denied/) });
    });

    it('an issuer no longer allowed as an outbound target is not contacted at sign-in', async () => {
      await useIssuer();
      const allow = t.deps.config.outboundAllow;
      t.deps.config.outboundAllow = [];
      try {
        const start = await cookieCall(t, {}, 'GET', '/api/v1/auth/oidc/start');
        expect(start.headers.location).toBe('/login?sso=provider_error');
        expect(start.set[FLOW]).toBeUndefined();
        expect(failures()[0]).toMatchObject({ reason: 'provider_error', detail: expect.stringMatching(/not allowed/) });
      } finally {
        t.deps.config.outboundAllow = allow;
      }
    });

    it('single sign-on off: start goes back to the sign-in page', async () => {
      await useIssuer();
      expect((await settings({ enabled: false })).statusCode).toBe(200);
      const start = await cookieCall(t, {}, 'GET', '/api/v1/auth/oidc/start');
      expect(start.headers.location).toBe('/login?sso=sso_off');
      expect((await call(t, null, 'GET', '/api/v1/auth/methods')).data).toEqual({ sso: null, passwordLogin: 'everyone' });
    });

    it('a user with two-factor sign-in gives their code after the provider, as after a password', async () => {
      await useIssuer('good', { createUsers: true });
      const p = await makeUser(t.db, { role: 'agent', email: 'second@example.test' });
      await setPassword(t, p.id, 'second-factor-password');
      const login = await passwordSignIn(t, p.email, 'second-factor-password');
      const session = { [SESSION_COOKIE]: login.set[SESSION_COOKIE]! };
      const setup = await cookieCall(t, session, 'POST', '/api/v1/me/2fa/setup');
      const code = await generate({ secret: setup.data.secret });
      expect((await cookieCall(t, session, 'POST', '/api/v1/me/2fa/confirm', { code })).statusCode).toBe(200);

      const { done, location } = await ssoSignIn('second@example.test', { next: '/reports' });
      expect(location).toBe('/login?step=code&next=%2Freports');
      expect(done.set[SESSION_COOKIE]).toBeUndefined();
      expect(done.set[PENDING_COOKIE]).toBeTruthy();
      expect(recorded).toContainEqual({ type: 'sign_in.second_factor_needed', userId: p.id });
      const row = await t.db.kysely.selectFrom('recovery_codes').select('id').where('user_id', '=', p.id).execute();
      expect(row).toHaveLength(10);
    });
  });

  describe('passwords for administrators only', () => {
    it('others are refused with a clear message after a correct password; administrators still sign in', async () => {
      await useIssuer('good', { passwordLogin: 'admins', buttonLabel: 'Acme' });
      await setPassword(t, agent.id, 'agent-password-1');
      await setPassword(t, admin.id, 'admin-password-1');
      const wrong = await passwordSignIn(t, agent.email, 'not-it');
      expect(wrong.statusCode).toBe(401);
      const refused = expectProblem(await passwordSignIn(t, agent.email, 'agent-password-1'), 403, 'forbidden');
      expect(refused).toMatchObject({ action: 'password_sign_in', detail: expect.stringMatching(/Sign in with Acme/) });
      expect(refused.detail).toBeTruthy();
      expect(failures()).toContainEqual({ type: 'sign_in.failed', userId: agent.id, reason: 'password_sign_in_off' });
      expect((await passwordSignIn(t, admin.email, 'admin-password-1')).statusCode).toBe(200);
      expect((await call(t, null, 'GET', '/api/v1/auth/methods')).data.passwordLogin).toBe('admins');
      // Single sign-on still works for them.
      expect((await ssoSignIn('verified@example.test')).location).toBe('/');
      await settings({ passwordLogin: 'everyone' });
    });
  });

  describe('invitations', () => {
    async function invite(email: string, role = 'supervisor') {
      const link = newOneTimeLink();
      const now = new Date();
      await t.db.kysely
        .insertInto('invitations')
        .values({
          id: link.id,
          email,
          name: 'Invited',
          role_id: role,
          team_ids: [teamId],
          secret_hash: link.secretHash,
          invited_by: admin.id,
          created_at: now,
          sent_at: now,
          expires_at: new Date(now.getTime() + 3_600_000),
        })
        .execute();
      return link;
    }

    it('are accepted by signing in with the address they were sent to', async () => {
      await useIssuer('good', { createUsers: false, buttonLabel: 'Acme' });
      const link = await invite('invitee@example.test');
      const preview = await call(t, null, 'POST', '/api/v1/invitations/preview', { token: link.token });
      expect(preview.data).toMatchObject({ signInWith: 'Acme', passwordAllowed: true });
      const { done, location } = await ssoSignIn('invitee@example.test', { invitation: link.token });
      expect(location).toBe('/');
      const user = (await me(done.set[SESSION_COOKIE])).data;
      expect(user).toMatchObject({ email: 'invitee@example.test', role: 'supervisor', teamIds: [teamId] });
      const inv = await t.db.kysely
        .selectFrom('invitations')
        .select(['accepted_at', 'user_id'])
        .where('id', '=', link.id)
        .executeTakeFirstOrThrow();
      expect(inv.user_id).toBe(user.id);
      expect(recorded).toContainEqual({
        type: 'invitation.accepted',
        invitationId: link.id,
        userId: user.id,
        email: 'invitee@example.test',
      });
      expect(await audited('invitation.accepted', link.id)).toMatchObject([{ actor_id: user.id }]);
      // Used: the link cannot start another sign-in.
      const reuse = await cookieCall(t, {}, 'POST', '/api/v1/auth/oidc/start', { invitation: link.token });
      expect(reuse.data.location).toBe('/login?sso=invitation_invalid');
    });

    it('another address at the provider is refused and the invitation stays open', async () => {
      await useIssuer('good', { createUsers: true });
      const link = await invite('someone@example.test');
      const before = await accountFingerprint(t);
      const { location } = await ssoSignIn('verified@example.test', { invitation: link.token });
      expect(location).toBe('/login?sso=invitation_email_mismatch');
      expect(await accountFingerprint(t)).toBe(before);
      expect(failures()[0]).toMatchObject({ reason: 'invitation_email_mismatch', email: 'verified@example.test' });
    });

    it('while passwords are for administrators only, an invitation to another role cannot be accepted with a password', async () => {
      await useIssuer('good', { passwordLogin: 'admins' });
      const link = await invite('agent-invitee@example.test', 'agent');
      const preview = await call(t, null, 'POST', '/api/v1/invitations/preview', { token: link.token });
      expect(preview.data).toMatchObject({ passwordAllowed: false });
      const before = await accountFingerprint(t);
      const r = await call(t, null, 'POST', '/api/v1/invitations/accept', { token: link.token, password: 'a-long-password-1' });
      expectProblem(r, 403, 'forbidden');
      expect(await accountFingerprint(t)).toBe(before);
      await settings({ passwordLogin: 'everyone' });
    });
  });
});
