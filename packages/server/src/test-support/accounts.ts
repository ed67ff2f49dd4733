import type { LightMyRequestResponse } from 'fastify';
import type { ParsedMail } from 'mailparser';
import type { SmtpSink } from './smtp-sink.ts';
import { eventually } from './eventually.ts';
import { sql } from 'kysely';
import { hashPassword } from '../auth/passwords.ts';
import type { TestApp } from './harness.ts';

/** Gives a user a password (test users are made without one). */
export async function setPassword(t: TestApp, userId: string, password: string): Promise<void> {
  await t.db.kysely
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', userId)
    .execute();
}

/** A JSON request carrying cookies, answering the parsed body and the cookies it set. */
export async function cookieCall(
  t: TestApp,
  cookies: Record<string, string>,
  method: string,
  url: string,
  body?: unknown,
  remoteAddress?: string,
): Promise<LightMyRequestResponse & { data: any; set: Record<string, string> }> {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    cookies,
    ...(remoteAddress ? { remoteAddress } : {}),
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  let data: unknown = null;
  try {
    data = res.body ? JSON.parse(res.body) : null;
  } catch {
    data = res.body;
  }
  const set = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]));
  return Object.assign(res, { data, set });
}

/** Signs in with a password; the session cookie (or the pending sign-in's), and the answer. */
export async function passwordSignIn(t: TestApp, email: string, password: string) {
  return cookieCall(t, {}, 'POST', '/api/v1/auth/login', { email, password });
}

/** The first mail to this address the sink received after its first `from` mails (waits for it). */
export function mailTo(sink: SmtpSink, address: string, from = 0): Promise<ParsedMail> {
  return eventually(() => {
    const m = sink.mails.slice(from).find((x) => x.rcptTo.map((a) => a.toLowerCase()).includes(address.toLowerCase()));
    if (!m) throw new Error(`no mail to ${address}`);
    return m;
  });
}

/** The token in the link of a mail's text part (`…#token=<token>`). */
export function tokenFromMail(mail: ParsedMail): string {
  const m = /#token=([^\s<>"]+)/.exec(mail.text ?? '');
  if (!m) throw new Error(`no link in mail: ${mail.text}`);
  return decodeURIComponent(m[1]!);
}

/** A digest of every account table a request could change (nothing may change on a refusal). */
export async function accountFingerprint(t: TestApp): Promise<string> {
  const r = await sql<{ f: string }>`SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(row(id, email, name, role_id, password_hash, active, totp_secret, totp_enabled_at, totp_last_step)::text, ',' ORDER BY id), '')) FROM users),
      (SELECT md5(coalesce(string_agg(row(id, secret_hash, sent_at, expires_at, accepted_at, revoked_at)::text, ',' ORDER BY id), '')) FROM invitations),
      (SELECT md5(coalesce(string_agg(row(id, used_at)::text, ',' ORDER BY id), '')) FROM password_resets),
      (SELECT md5(coalesce(string_agg(row(id, used_at)::text, ',' ORDER BY id), '')) FROM recovery_codes),
      (SELECT count(*) FROM team_members), (SELECT count(*) FROM sessions), (SELECT count(*) FROM pending_sign_ins)) AS f`.execute(
    t.db.kysely,
  );
  return r.rows[0]!.f;
}
