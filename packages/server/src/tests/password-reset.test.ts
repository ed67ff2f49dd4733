import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem } from '../test-support/case-fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { cookieCall, mailTo, passwordSignIn, setPassword, tokenFromMail } from '../test-support/accounts.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';

const OLD = 'old-password-1';
const NEW = 'new-password-2';
const PUBLIC_URL = 'https://help.example.test';

describe.each(DB_KINDS)('password reset by email (%s)', (kind) => {
  const clock = fixedClock(new Date('2026-05-04T10:00:00Z'));
  let t: TestApp;
  let sink: SmtpSink;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, {
      clock,
      config: { publicUrl: PUBLIC_URL, passwordResetRateLimit: 1000, passwordResetIpRateLimit: 1000 },
    });
    sink = await startSmtpSink();
    t.deps.outbound.smtpRelay = sink.url;
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });
  beforeEach(async () => {
    user = await makeUser(t.db, { role: 'agent' });
    await setPassword(t, user.id, OLD);
  });

  /** Asks for a reset for the user and returns the token from the mail they receive. */
  async function mailedToken(email = user.email): Promise<string> {
    const from = sink.mails.length;
    const r = await call(t, null, 'POST', '/api/v1/auth/password-reset', { email });
    expect(r.statusCode).toBe(202);
    return tokenFromMail(await mailTo(sink, email, from));
  }
  const confirm = (token: string, password = NEW) => call(t, null, 'POST', '/api/v1/auth/password-reset/confirm', { token, password });
  const signsInWith = async (password: string) => (await passwordSignIn(t, user.email, password)).statusCode === 200;

  it('mails a link (plain text and HTML) to the public URL that sets a new password once', async () => {
    const from = sink.mails.length;
    const r = await call(t, null, 'POST', '/api/v1/auth/password-reset', { email: user.email.toUpperCase() });
    expect(r.statusCode).toBe(202);
    const mail = await mailTo(sink, user.email, from);
    expect(mail.subject).toBe('Reset your Casework password');
    expect(mail.text).toContain(`${PUBLIC_URL}/reset-password#token=`);
    expect(mail.html).toContain(`${PUBLIC_URL}/reset-password#token=`);
    const token = tokenFromMail(mail);
    // Only the hash is stored.
    const rows = await t.db.kysely.selectFrom('password_resets').select(['secret_hash']).where('user_id', '=', user.id).execute();
    expect(rows.map((x) => x.secret_hash).join()).not.toContain(token.split('.')[1]);
    expect((await confirm(token)).statusCode).toBe(204);
    expect(await signsInWith(NEW)).toBe(true);
    expect(await signsInWith(OLD)).toBe(false);
  });

  it('ends every session of the user, and a used link cannot be used again', async () => {
    const signIn = await passwordSignIn(t, user.email, OLD);
    const session = { [SESSION_COOKIE]: signIn.set[SESSION_COOKIE]! };
    expect((await cookieCall(t, session, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const token = await mailedToken();
    expect((await confirm(token)).statusCode).toBe(204);
    expect((await cookieCall(t, session, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const again = expectProblem(await confirm(token, 'another-password-3'), 400, 'validation_failed');
    expect(again.fields).toEqual([{ field: 'token', message: 'has already been used' }]);
    expect(await signsInWith(NEW)).toBe(true);
  });

  it('an unknown or deactivated address still answers 202 and sends nothing', async () => {
    const from = sink.mails.length;
    const other = await makeUser(t.db, { role: 'agent' });
    await t.db.kysely.updateTable('users').set({ active: false }).where('id', '=', other.id).execute();
    const answers = [];
    for (const email of ['nobody@example.test', other.email, user.email]) {
      const r = await call(t, null, 'POST', '/api/v1/auth/password-reset', { email });
      answers.push({ status: r.statusCode, body: r.body, type: r.headers['content-type'] });
    }
    // The same answer for all three; only the known address gets a mail.
    expect(answers[0]).toEqual(answers[2]);
    expect(answers[1]).toEqual(answers[2]);
    await mailTo(sink, user.email, from);
    expect(sink.mails.slice(from).map((m) => [m.to].flat().map((a) => a?.text))).toEqual([[user.email]]);
    expect(await t.db.kysely.selectFrom('password_resets').select('id').where('user_id', '=', other.id).execute()).toEqual([]);
  });

  it('refuses an expired link (valid for one hour) and changes nothing', async () => {
    const token = await mailedToken();
    clock.advance(60 * 60_000);
    const p = expectProblem(await confirm(token), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'token', message: 'has expired' }]);
    clock.advance(-60 * 60_000);
    expect(await signsInWith(OLD)).toBe(true);
    // One millisecond less would still do.
    const fresh = await mailedToken();
    clock.advance(60 * 60_000 - 1);
    expect((await confirm(fresh)).statusCode).toBe(204);
    clock.advance(-(60 * 60_000 - 1));
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    ['an unknown id', (tok: string) => `01890000-0000-7000-8000-000000000000.${tok.split('.')[1]}`],
    ['a wrong secret', (tok: string) => `${tok.split('.')[0]}.${'A'.repeat(43)}`],
    ['a truncated secret', (tok: string) => tok.slice(0, -1)],
  ])('refuses a forged token (%s) and changes nothing', async (_n, forge) => {
    const token = await mailedToken();
    const p = expectProblem(await confirm(forge(token)), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'token', message: 'is not valid' }]);
    expect(await signsInWith(OLD)).toBe(true);
    expect((await confirm(token)).statusCode).toBe(204);
  });

  it('using one link voids the other open links of the user', async () => {
    const first = await mailedToken();
    const second = await mailedToken();
    expect((await confirm(second)).statusCode).toBe(204);
    expectProblem(await confirm(first), 400, 'validation_failed');
  });

  it('refuses bad bodies naming the field', async () => {
    const token = await mailedToken();
    const short = expectProblem(await confirm(token, 'short'), 400, 'validation_failed');
    expect(short.fields[0].field).toBe('password');
    expect(expectProblem(await call(t, null, 'POST', '/api/v1/auth/password-reset', {}), 400, 'validation_failed').fields[0].field).toBe(
      'email',
    );
    expect((await call(t, null, 'POST', '/api/v1/auth/password-reset', { email: 'a@b.test', extra: 1 })).statusCode).toBe(400);
    expect(await signsInWith(OLD)).toBe(true);
  });
});

describe.each(DB_KINDS)('password reset rate limits (%s)', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    t = await startTestApp(kind, { config: { passwordResetRateLimit: 2, passwordResetIpRateLimit: 4 } });
    sink = await startSmtpSink();
    t.deps.outbound.smtpRelay = sink.url;
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });
  const ask = (email: string, remoteAddress = '203.0.113.7') =>
    cookieCall(t, {}, 'POST', '/api/v1/auth/password-reset', { email }, remoteAddress);

  it('limits per address (whoever asks) and per client address, known or not', async () => {
    expect((await ask('a@example.test', '203.0.113.1')).statusCode).toBe(202);
    expect((await ask('A@example.test', '203.0.113.2')).statusCode).toBe(202);
    const third = await ask('a@example.test', '203.0.113.3');
    expectProblem(third, 429, 'rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    // Per client address: four requests, then refused whatever the address asked for.
    for (const e of ['b@example.test', 'c@example.test', 'd@example.test', 'e@example.test']) expect((await ask(e)).statusCode).toBe(202);
    expectProblem(await ask('f@example.test'), 429, 'rate_limited');
    expect((await ask('f@example.test', '203.0.113.9')).statusCode).toBe(202);
  });
});
