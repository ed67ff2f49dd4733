import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, makeOrg, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { accountFingerprint, cookieCall, mailTo, passwordSignIn, tokenFromMail } from '../test-support/accounts.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';

const PUBLIC_URL = 'https://help.example.test/';
let n = 0;
const address = () => `invitee-${++n}-${Date.now()}@example.test`;

describe.each(DB_KINDS)('invitations (%s)', (kind) => {
  const clock = fixedClock(new Date('2026-05-04T10:00:00Z'));
  let t: TestApp;
  let o: Org;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock, config: { publicUrl: PUBLIC_URL, passwordResetIpRateLimit: 10_000 } });
    o = await makeOrg(t);
    sink = await startSmtpSink();
    t.deps.outbound.smtpRelay = sink.url;
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  /** Invites someone as an agent of team A; the invitation and the token from the mail. */
  async function invite(email = address(), body: Record<string, unknown> = {}) {
    const from = sink.mails.length;
    const r = await call(t, o.admin, 'POST', '/api/v1/invitations', {
      email,
      name: 'Ivy Invitee',
      role: 'agent',
      teamIds: [o.teamA],
      ...body,
    });
    expect(r.statusCode).toBe(201);
    const mail = await mailTo(sink, email, from);
    return { invitation: r.data, token: tokenFromMail(mail), mail, email };
  }
  const accept = (token: string, body: Record<string, unknown> = {}) =>
    cookieCall(t, {}, 'POST', '/api/v1/invitations/accept', { token, password: 'invitee-password-1', ...body });

  /** A refusal that changes nothing: status, code, and the account tables as they were. */
  async function refused(
    run: () => Promise<{ statusCode: number; headers: Record<string, unknown>; data: any }>,
    status: number,
    code: string,
  ) {
    const before = await accountFingerprint(t);
    const p = expectProblem(await run(), status, code);
    expect(await accountFingerprint(t)).toBe(before);
    return p;
  }

  it('mails a single-use link (text and HTML) that creates the user with the role and teams and signs them in', async () => {
    const { invitation, mail, token, email } = await invite();
    expect(invitation).toMatchObject({
      email,
      name: 'Ivy Invitee',
      role: 'agent',
      teamIds: [o.teamA],
      invitedBy: o.admin.id,
      expired: false,
    });
    expect(new Date(invitation.expiresAt).getTime() - clock.now().getTime()).toBe(24 * 3_600_000);
    expect(mail.subject).toMatch(/invited/);
    expect(mail.text).toContain('https://help.example.test/invitation#token=');
    expect(mail.html).toContain('https://help.example.test/invitation#token=');
    expect(mail.text).toContain('Ada Admin');
    const stored = await t.db.kysely
      .selectFrom('invitations')
      .select('secret_hash')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(token.split('.')[1]);

    const preview = await call(t, null, 'POST', '/api/v1/invitations/preview', { token });
    expect(preview.data).toMatchObject({ email, name: 'Ivy Invitee' });

    const r = await accept(token, { name: 'Ivy Chosen' });
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({ email, name: 'Ivy Chosen', role: 'agent', teamIds: [o.teamA] });
    const me = await cookieCall(t, { [SESSION_COOKIE]: r.set[SESSION_COOKIE]! }, 'GET', '/api/v1/me');
    expect(me.data.email).toBe(email);
    expect((await passwordSignIn(t, email, 'invitee-password-1')).statusCode).toBe(200);
    // Gone from the open list.
    const list = await call(t, o.admin, 'GET', '/api/v1/invitations');
    expect(list.data.invitations.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
    // Reused: refused, nothing changed.
    const again = await refused(() => accept(token), 400, 'validation_failed');
    expect(again.fields).toEqual([{ field: 'token', message: 'has already been used' }]);
    await refused(() => call(t, null, 'POST', '/api/v1/invitations/preview', { token }), 400, 'validation_failed');
  });

  it('keeps the invitation name when none is given', async () => {
    const { token } = await invite();
    expect((await accept(token)).data.name).toBe('Ivy Invitee');
  });

  it('an expired link (24 h) is refused; resending mails a new link and the old one stops working', async () => {
    const { invitation, token, email } = await invite();
    clock.advance(24 * 3_600_000);
    const p = await refused(() => accept(token), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'token', message: 'has expired' }]);
    const listed = (await call(t, o.admin, 'GET', '/api/v1/invitations')).data.invitations.find(
      (i: { id: string }) => i.id === invitation.id,
    );
    expect(listed.expired).toBe(true);
    const from = sink.mails.length;
    const resent = await call(t, o.admin, 'POST', `/api/v1/invitations/${invitation.id}/resend`);
    expect(resent.statusCode).toBe(200);
    expect(resent.data.expired).toBe(false);
    const fresh = tokenFromMail(await mailTo(sink, email, from));
    expect(fresh).not.toBe(token);
    clock.advance(-24 * 3_600_000);
    // The old link stays dead even back in its own time window: its secret was replaced.
    await refused(() => accept(token), 400, 'validation_failed');
    clock.advance(24 * 3_600_000);
    expect((await accept(fresh)).statusCode).toBe(200);
    clock.advance(-24 * 3_600_000);
  });

  it('a revoked invitation is refused, and cannot be revoked or resent again', async () => {
    const { invitation, token } = await invite();
    expect((await call(t, o.admin, 'DELETE', `/api/v1/invitations/${invitation.id}`)).statusCode).toBe(204);
    const p = await refused(() => accept(token), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'token', message: 'was withdrawn' }]);
    expectProblem(await call(t, o.admin, 'DELETE', `/api/v1/invitations/${invitation.id}`), 404, 'not_found');
    expectProblem(await call(t, o.admin, 'POST', `/api/v1/invitations/${invitation.id}/resend`), 404, 'not_found');
  });

  it.each([
    ['garbage', () => 'nope'],
    ['an unknown id', (tok: string) => `${UNKNOWN_ID}.${tok.split('.')[1]}`],
    ['a wrong secret', (tok: string) => `${tok.split('.')[0]}.${'B'.repeat(43)}`],
  ])('a forged token (%s) is refused and changes nothing', async (_n, forge) => {
    const { token } = await invite();
    const p = await refused(() => accept(forge(token)), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'token', message: 'is not valid' }]);
  });

  it('inviting an address again replaces the open invitation; an address with an account is refused', async () => {
    const email = address();
    const first = await invite(email);
    const second = await invite(email);
    await refused(() => accept(first.token), 400, 'validation_failed');
    const taken = await refused(
      () => call(t, o.admin, 'POST', '/api/v1/invitations', { email: o.agent.email, name: 'X', role: 'agent', teamIds: [] }),
      409,
      'conflict',
    );
    expect(taken.fields).toEqual([{ field: 'email', message: 'already has an account' }]);
    expect((await accept(second.token)).statusCode).toBe(200);
  });

  it('refuses bad input naming the field, and non-admins', async () => {
    const base = { email: address(), name: 'N', role: 'agent', teamIds: [] };
    for (const [body, field] of [
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, role: 'no-such-role' }, 'role'],
      [{ ...base, teamIds: [UNKNOWN_ID] }, 'teamIds'],
      [{ ...base, name: '' }, 'name'],
    ] as const) {
      const p = await refused(() => call(t, o.admin, 'POST', '/api/v1/invitations', body), 400, 'validation_failed');
      expect(p.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    await refused(() => call(t, o.supervisor, 'POST', '/api/v1/invitations', base), 403, 'forbidden');
    expectProblem(await call(t, o.agent, 'GET', '/api/v1/invitations'), 403, 'forbidden');
    expectProblem(await call(t, null, 'GET', '/api/v1/invitations'), 401, 'unauthenticated');
    const { token } = await invite();
    const short = await refused(() => accept(token, { password: 'short' }), 400, 'validation_failed');
    expect(short.fields[0].field).toBe('password');
  });

  it('without a mail relay the invitation is refused with 503 and nothing is kept; a refusing relay is 502', async () => {
    t.deps.outbound.smtpRelay = null;
    try {
      const p = await refused(
        () => call(t, o.admin, 'POST', '/api/v1/invitations', { email: address(), name: 'N', role: 'agent', teamIds: [] }),
        503,
        'mail_unavailable',
      );
      expect(p.detail).toMatch(/CASEWORK_SMTP_URL/);
      t.deps.outbound.smtpRelay = 'smtp://127.0.0.1:1';
      await refused(
        () => call(t, o.admin, 'POST', '/api/v1/invitations', { email: address(), name: 'N', role: 'agent', teamIds: [] }),
        502,
        'mail_failed',
      );
    } finally {
      t.deps.outbound.smtpRelay = sink.url;
    }
  });

  it('a team deleted meanwhile is left out; two accepts of one link make one user', async () => {
    const extra = await call(t, o.admin, 'POST', '/api/v1/teams', { name: `Temp ${Date.now()}` });
    const { token, email } = await invite(address(), { teamIds: [o.teamA, extra.data.id] });
    expect((await call(t, o.admin, 'DELETE', `/api/v1/teams/${extra.data.id}`)).statusCode).toBe(204);
    const [a, b] = await Promise.all([accept(token), accept(token)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 400]);
    const users = await t.db.kysely.selectFrom('users').select('id').where('email', '=', email).execute();
    expect(users).toHaveLength(1);
    expect((a.statusCode === 200 ? a : b).data.teamIds).toEqual([o.teamA]);
  });

  it('the invitee cannot take an address someone got an account for meanwhile (409, invitation kept)', async () => {
    const { token, email } = await invite();
    const u: TestUser = await makeUser(t.db, { role: 'agent', email });
    expect(u.email).toBe(email);
    const p = await refused(() => accept(token), 409, 'conflict');
    expect(p.detail).toMatch(/already exists/);
  });
});
