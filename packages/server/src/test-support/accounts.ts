import type { LightMyRequestResponse } from 'fastify';
import type { ParsedMail } from 'mailparser';
import type { SmtpSink } from './smtp-sink.ts';
import { eventually } from './eventually.ts';
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
