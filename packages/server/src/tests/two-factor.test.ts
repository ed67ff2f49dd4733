import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';
import { cookieCall, passwordSignIn, setPassword } from '../test-support/accounts.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';
import { PENDING_COOKIE } from '../http/session-cookie.ts';

const PASSWORD = 'two-factor-password-1';
const codeAt = (secret: string, at: Date) => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });

describe.each(DB_KINDS)('two-factor sign-in (%s)', (kind) => {
  const clock = fixedClock(new Date('2026-05-04T10:00:00Z'));
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    admin = await makeUser(t.db, { role: 'admin' });
  });
  afterAll(async () => t.close());

  /** A user with a password and a session; optionally enrolled (secret and recovery codes). */
  async function person(role = 'agent') {
    const u = await makeUser(t.db, { role });
    await setPassword(t, u.id, PASSWORD);
    const login = await passwordSignIn(t, u.email, PASSWORD);
    const session = { [SESSION_COOKIE]: login.set[SESSION_COOKIE]! };
    return { ...u, session };
  }
  async function enrolled(role = 'agent') {
    const p = await person(role);
    const setup = await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/setup');
    expect(setup.statusCode).toBe(200);
    const confirm = await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/confirm', {
      code: await codeAt(setup.data.secret, clock.now()),
    });
    expect(confirm.statusCode).toBe(200);
    clock.advance(30_000); // the enrolment code's step is used up
    return { ...p, secret: setup.data.secret as string, recoveryCodes: confirm.data.recoveryCodes as string[] };
  }
  /** Password first: the pending cookie (no session). */
  async function pending(email: string) {
    const r = await passwordSignIn(t, email, PASSWORD);
    expect(r.statusCode).toBe(200);
    expect(r.data).toEqual({ mfaRequired: true });
    expect(r.set[SESSION_COOKIE]).toBeUndefined();
    return { [PENDING_COOKIE]: r.set[PENDING_COOKIE]! };
  }
  const second = (cookies: Record<string, string>, code: string) => cookieCall(t, cookies, 'POST', '/api/v1/auth/login/mfa', { code });

  it('enrolment: a QR code and otpauth URL, a confirming code, ten recovery codes stored hashed', async () => {
    const p = await person();
    const setup = await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/setup');
    expect(setup.data.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(setup.data.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const wrong = expectProblem(
      await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/confirm', { code: '000000' }),
      400,
      'validation_failed',
    );
    expect(wrong.fields).toEqual([{ field: 'code', message: 'is not correct' }]);
    const ok = await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/confirm', { code: await codeAt(setup.data.secret, clock.now()) });
    expect(ok.data.recoveryCodes).toHaveLength(10);
    expect(new Set(ok.data.recoveryCodes).size).toBe(10);
    const stored = await t.db.kysely.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', p.id).execute();
    expect(stored).toHaveLength(10);
    expect(stored.map((s) => s.code_hash)).not.toContain(ok.data.recoveryCodes[0]);
    const row = await t.db.kysely.selectFrom('users').select('totp_secret').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(setup.data.secret);
    expect((await cookieCall(t, p.session, 'GET', '/api/v1/me')).data.twoFactor).toEqual({ enabled: true, required: false });
    expectProblem(await cookieCall(t, p.session, 'POST', '/api/v1/me/2fa/setup'), 409, 'conflict');
    clock.advance(30_000);
  });

  it('sign-in asks for the code after the password; no session until it is right; a code works once', async () => {
    const p = await enrolled();
    const cookies = await pending(p.email);
    // The pending cookie is no session.
    expectProblem(await cookieCall(t, cookies, 'GET', '/api/v1/me'), 401, 'unauthenticated');
    expectProblem(await second(cookies, '123456'), 401, 'unauthenticated');
    const code = await codeAt(p.secret, clock.now());
    const ok = await second(cookies, code);
    expect(ok.statusCode).toBe(200);
    expect(ok.data.email).toBe(p.email);
    expect((await cookieCall(t, { [SESSION_COOKIE]: ok.set[SESSION_COOKIE]! }, 'GET', '/api/v1/me')).statusCode).toBe(200);
    // The pending sign-in is gone, and the same code cannot start another session.
    expectProblem(await second(cookies, code), 401, 'unauthenticated');
    const again = await pending(p.email);
    expectProblem(await second(again, code), 401, 'unauthenticated');
    clock.advance(30_000);
    expect((await second(again, await codeAt(p.secret, clock.now()))).statusCode).toBe(200);
  });

  it('accepts the previous and next step (clock drift) but not two steps away', async () => {
    const p = await enrolled();
    clock.advance(90_000);
    const cookies = await pending(p.email);
    expectProblem(await second(cookies, await codeAt(p.secret, new Date(clock.now().getTime() - 60_000))), 401, 'unauthenticated');
    expect((await second(cookies, await codeAt(p.secret, new Date(clock.now().getTime() - 30_000)))).statusCode).toBe(200);
  });

  it('a pending sign-in expires (10 minutes) and must start again with the password', async () => {
    const p = await enrolled();
    const cookies = await pending(p.email);
    clock.advance(10 * 60_000);
    const r = expectProblem(await second(cookies, await codeAt(p.secret, clock.now())), 401, 'unauthenticated');
    expect(r.detail).toMatch(/expired/);
  });

  it('wrong codes are limited per user (5 per 15 minutes), across pending sign-ins, then even the right code waits', async () => {
    const p = await enrolled();
    for (let i = 0; i < 5; i++) expectProblem(await second(await pending(p.email), '000000'), 401, 'unauthenticated');
    const cookies = await pending(p.email);
    const limited = await second(cookies, await codeAt(p.secret, clock.now()));
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(15 * 60_000);
    const fresh = await pending(p.email);
    expect((await second(fresh, await codeAt(p.secret, clock.now()))).statusCode).toBe(200);
  });

  it('a recovery code signs in once; replayed it is refused', async () => {
    const p = await enrolled();
    const code = p.recoveryCodes[3]!;
    expect((await second(await pending(p.email), code.toUpperCase())).statusCode).toBe(200);
    const replay = await second(await pending(p.email), code);
    expectProblem(replay, 401, 'unauthenticated');
    const status = await cookieCall(t, p.session, 'GET', '/api/v1/me/2fa');
    expect(status.data).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });
    const used = await t.db.kysely
      .selectFrom('recovery_codes')
      .select('used_at')
      .where('user_id', '=', p.id)
      .where('used_at', 'is not', null)
      .execute();
    expect(used).toHaveLength(1);
  });

  it('turning it off needs the password; an admin can reset a user, who then signs in with the password alone', async () => {
    const p = await enrolled();
    expectProblem(await cookieCall(t, p.session, 'DELETE', '/api/v1/me/2fa', { password: 'wrong' }), 400, 'validation_failed');
    expect((await cookieCall(t, p.session, 'DELETE', '/api/v1/me/2fa', { password: PASSWORD })).statusCode).toBe(204);
    expect((await passwordSignIn(t, p.email, PASSWORD)).data.email).toBe(p.email);

    const q = await enrolled();
    expectProblem(await call(t, q, 'DELETE', `/api/v1/users/${q.id}/2fa`), 403, 'forbidden');
    expect((await call(t, admin, 'DELETE', `/api/v1/users/${q.id}/2fa`)).statusCode).toBe(204);
    expect((await passwordSignIn(t, q.email, PASSWORD)).data.email).toBe(q.email);
    expectProblem(await call(t, admin, 'DELETE', '/api/v1/users/01890000-0000-7000-8000-000000000000/2fa'), 404, 'not_found');
  });

  it('the organisation can require it for admins or everyone: a session without it may only enrol; API tokens are unaffected', async () => {
    const agent = await person('agent');
    const boss = await person('admin');
    expect((await call(t, admin, 'PATCH', '/api/v1/organisation', { twoFactorRequired: 'admins' })).data.twoFactorRequired).toBe('admins');
    try {
      expect((await cookieCall(t, agent.session, 'GET', '/api/v1/cases')).statusCode).toBe(200);
      const refused = expectProblem(await cookieCall(t, boss.session, 'GET', '/api/v1/cases'), 403, 'forbidden');
      expect(refused.action).toBe('two_factor_enrolment');
      const me = await cookieCall(t, boss.session, 'GET', '/api/v1/me');
      expect(me.data.twoFactor).toEqual({ enabled: false, required: true });
      // Their API token still works.
      expect((await call(t, boss, 'GET', '/api/v1/cases')).statusCode).toBe(200);
      // Enrolling lifts the restriction; turning it off is then refused.
      const setup = await cookieCall(t, boss.session, 'POST', '/api/v1/me/2fa/setup');
      await cookieCall(t, boss.session, 'POST', '/api/v1/me/2fa/confirm', { code: await codeAt(setup.data.secret, clock.now()) });
      clock.advance(30_000);
      expect((await cookieCall(t, boss.session, 'GET', '/api/v1/cases')).statusCode).toBe(200);
      expectProblem(await cookieCall(t, boss.session, 'DELETE', '/api/v1/me/2fa', { password: PASSWORD }), 409, 'conflict');

      await call(t, admin, 'PATCH', '/api/v1/organisation', { twoFactorRequired: 'everyone' });
      expectProblem(await cookieCall(t, agent.session, 'GET', '/api/v1/cases'), 403, 'forbidden');
      const fresh = await passwordSignIn(t, agent.email, PASSWORD);
      expect(fresh.data.twoFactor).toEqual({ enabled: false, required: true });
      expectProblem(await call(t, admin, 'PATCH', '/api/v1/organisation', { twoFactorRequired: 'sometimes' }), 400, 'validation_failed');
    } finally {
      await t.db.kysely.updateTable('organisation').set({ two_factor_required: 'off' }).where('id', '=', 1).execute();
    }
  });
});
