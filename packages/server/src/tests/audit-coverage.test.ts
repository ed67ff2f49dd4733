import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { cookieCall, mailTo, passwordSignIn, setPassword, tokenFromMail } from '../test-support/accounts.ts';
import { startSmtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { routePermissions } from '../http/auth-hook.ts';
import { SESSION_COOKIE } from '../http/auth-hook.ts';
import { newOneTimeLink } from '../auth/one-time-links.ts';

/**
 * Every route that changes something (POST, PUT, PATCH, DELETE) is either exercised here and must
 * write an audit entry, or excluded below with the reason. A new route in neither list fails, so
 * nobody adds a change to the organisation's set-up that the audit log does not see.
 */
const EXCLUDED: Record<string, string> = {
  // Case work: recorded in each case's own history (case_events), visible on the case page.
  'DELETE /api/v1/cases/:id/collaborators/:userId': 'case work (case history)',
  'DELETE /api/v1/cases/:id/follow': 'case work (case history)',
  'PATCH /api/v1/cases/:id': 'case work (case history)',
  'PATCH /api/v1/cases/:id/fields': 'case work (case history)',
  'POST /api/v1/cases': 'case work (case history)',
  'POST /api/v1/cases/email': 'case work (case history)',
  'POST /api/v1/cases/:id/apply-macro': 'case work (case history)',
  'POST /api/v1/cases/:id/assign': 'case work (case history)',
  'POST /api/v1/cases/:id/cancel': 'case work (case history)',
  'POST /api/v1/cases/:id/claim': 'case work (case history)',
  'POST /api/v1/cases/:id/collaborators': 'case work (case history)',
  'POST /api/v1/cases/:id/follow': 'case work (case history)',
  'POST /api/v1/cases/:id/messages': 'case work (case history)',
  'POST /api/v1/cases/:id/messages/:messageId/retry': 'case work (case history)',
  'POST /api/v1/cases/:id/reopen': 'case work (case history)',
  'POST /api/v1/cases/:id/resolve': 'case work (case history)',
  'POST /api/v1/cases/:id/spam': 'case work (case history); a sender it blocks is audited as a blocklist entry',
  'POST /api/v1/cases/:id/not-spam': 'case work (case history)',
  'POST /api/v1/cases/:id/tags': 'case work (case history)',
  'POST /api/v1/cases/:id/unassign': 'case work (case history)',
  'POST /api/v1/cases/:id/wait': 'case work (case history)',
  'POST /api/v1/cases/:id/wake': 'case work (case history)',
  'POST /api/v1/cases/bulk': 'case work (each case’s history)',
  'POST /api/v1/me/work/claim-next': 'case work (case history)',
  'POST /api/v1/import/cases': 'case data brought in from another helpdesk (each case keeps its times)',
  'POST /api/v1/uploads': 'a file for a reply not yet sent (case work)',
  // Presence and personal state: nobody else's set-up.
  'POST /api/v1/cases/:id/viewing': 'presence (who is looking at a case)',
  'DELETE /api/v1/cases/:id/viewing': 'presence (who is looking at a case)',
  'POST /api/v1/me/notifications/read': 'personal (read marks)',
  'PUT /api/v1/me/notification-settings': 'personal (own notification choices)',
  'PUT /api/v1/me/preferences': 'personal (collapsed sections)',
  'POST /api/v1/views': 'saved list filters, not access or configuration',
  'PATCH /api/v1/views/:id': 'saved list filters, not access or configuration',
  'DELETE /api/v1/views/:id': 'saved list filters, not access or configuration',
  // Customers are case data; a merge leaves a history event on every case it moves.
  'PATCH /api/v1/customers/:id': 'customer data (case history on merges)',
  'POST /api/v1/customers/:id/merge': 'customer data (case history on every moved case)',
  // Reads that use POST, and actions that change no setting.
  'POST /api/v1/canned-replies/:id/render': 'reads (renders a reply for a case)',
  'POST /api/v1/invitations/preview': 'reads (what an invitation page shows)',
  'POST /api/v1/channels/:id/test-connection': 'changes nothing (tries the mail servers)',
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/retry': 'queues a delivery again; the webhook’s set-up is unchanged',
  'POST /api/v1/me/2fa/setup': 'a secret not in force until confirmed (the confirmation is audited)',
  'POST /api/v1/auth/oidc/start': 'leaves for the provider; the callback’s outcome is audited (sso.test.ts)',
  // Customers and providers: inbound channel traffic, not staff.
  'POST /api/v1/chat/sessions': 'a customer’s chat (case history)',
  'POST /api/v1/chat/sessions/:id/end': 'a customer’s chat (case history)',
  'POST /api/v1/chat/sessions/:id/messages': 'a customer’s chat (case history)',
  'POST /api/v1/chat/sessions/:id/rating': 'a customer’s chat (case history)',
  'POST /api/v1/chat/sessions/:id/attachments': 'a customer’s picture in a chat (case history)',
  'POST /api/v1/chat/sessions/:id/typing': 'a passing typing signal: nothing is stored',
  'POST /api/v1/cases/:id/typing': 'a passing typing signal: nothing is stored',
  'POST /survey/:token': 'a customer’s survey answer (case history)',
  'POST /webhooks/sms/:channelId': 'a provider’s inbound message (case history)',
  'POST /webhooks/voice/:channelId': 'a provider’s inbound call (case history)',
  'POST /webhooks/voice/:channelId/status': 'a provider’s call status (case history)',
};

type Answer = { statusCode: number; body: string };
/** Prepares what the request needs (its own entries are not counted), then returns the request. */
type Exercise = () => Promise<() => Promise<Answer>>;

const PASSWORD = 'Correct-horse-battery-9';
let n = 0;
const uniq = (s: string) => `${s}-${++n}-${Date.now().toString(36)}`;

describe.each(DB_KINDS)('every change to the set-up is audited (%s)', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let team: string;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await startTestApp(kind, { config: { publicUrl: 'https://help.example.test/', passwordResetIpRateLimit: 10_000 } });
    admin = await makeUser(t.db, { role: 'admin' });
    team = await makeTeam(t.db, 'Support');
    sink = await startSmtpSink();
    t.deps.outbound.smtpRelay = sink.url;
  });
  afterAll(async () => {
    await t.close();
    await sink?.close();
  });

  const api =
    (method: string, url: string, body?: unknown, user: TestUser = admin) =>
    () =>
      call(t, user, method, url, body);
  const made = async (url: string, body: unknown) => {
    const r = await call(t, admin, 'POST', url, body);
    expect(r.statusCode, r.body).toBe(201);
    return r.data;
  };
  const person = async () => {
    const u = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    await setPassword(t, u.id, PASSWORD);
    return u;
  };
  const session = async (u: TestUser) => (await passwordSignIn(t, u.email, PASSWORD)).set[SESSION_COOKIE]!;
  const enrol = async (u: TestUser) => {
    const cookies = { [SESSION_COOKIE]: await session(u) };
    const setup = await cookieCall(t, cookies, 'POST', '/api/v1/me/2fa/setup');
    return { cookies, secret: setup.data.secret as string };
  };
  const invite = async () => {
    const email = `${uniq('invitee')}@example.test`;
    const from = sink.mails.length;
    const inv = await made('/api/v1/invitations', { email, name: 'Ivy', role: 'agent', teamIds: [team] });
    return { id: inv.id as string, token: tokenFromMail(await mailTo(sink, email, from)) };
  };
  const channel = () => made('/api/v1/channels', { type: 'sms', name: uniq('SMS'), teamId: team, settings: sms() });
  const sms = () => ({ accountSid: 'AC1', phoneNumber: `+1555${Math.floor(Math.random() * 1e7)}`, authToken: 'sms-auth-secret' });
  const hook = { url: 'http://127.0.0.1:9/hook', events: ['case.created'], secret: 'webhook-signing-secret' };
  const macro = { title: 'Tag it', scope: 'organisation', steps: [{ type: 'follow' }] };
  const reply = { title: 'Hello', body: 'Hello there', scope: 'organisation' };
  const calendar = { name: 'Office', timeZone: 'Europe/Berlin', hours: [{ day: 1, start: '09:00', end: '17:00' }] };
  const policy = { name: 'All', targets: { firstResponse: 30 } };

  const EXERCISES: Record<string, Exercise> = {
    'POST /api/v1/auth/login': async () => api('POST', '/api/v1/auth/login', { email: admin.email, password: 'wrong' }),
    'POST /api/v1/auth/login/mfa': async () => api('POST', '/api/v1/auth/login/mfa', { code: '123456' }),
    'POST /api/v1/auth/logout': async () => {
      const cookie = await session(await person());
      return () => cookieCall(t, { [SESSION_COOKIE]: cookie }, 'POST', '/api/v1/auth/logout');
    },
    'POST /api/v1/auth/password-reset': async () => api('POST', '/api/v1/auth/password-reset', { email: admin.email }),
    'POST /api/v1/auth/password-reset/confirm': async () => {
      const u = await person();
      const link = newOneTimeLink();
      await t.db.kysely
        .insertInto('password_resets')
        .values({
          id: link.id,
          user_id: u.id,
          secret_hash: link.secretHash,
          created_at: new Date(),
          expires_at: new Date(Date.now() + 3_600_000),
        })
        .execute();
      return api('POST', '/api/v1/auth/password-reset/confirm', { token: link.token, password: 'A-new-password-42' });
    },
    'POST /api/v1/users': async () =>
      api('POST', '/api/v1/users', { email: `${uniq('u')}@example.test`, name: 'New', password: PASSWORD, role: 'agent', teamIds: [team] }),
    'PATCH /api/v1/users/:id': async () => api('PATCH', `/api/v1/users/${(await person()).id}`, { name: 'Renamed', teamIds: [] }),
    'DELETE /api/v1/users/:id/2fa': async () => api('DELETE', `/api/v1/users/${(await person()).id}/2fa`),
    'PATCH /api/v1/me': async () => api('PATCH', '/api/v1/me', { name: uniq('Admin') }),
    'POST /api/v1/me/2fa/confirm': async () => {
      const e = await enrol(await person());
      return async () => cookieCall(t, e.cookies, 'POST', '/api/v1/me/2fa/confirm', { code: await generate({ secret: e.secret }) });
    },
    'DELETE /api/v1/me/2fa': async () => {
      const e = await enrol(await person());
      await cookieCall(t, e.cookies, 'POST', '/api/v1/me/2fa/confirm', { code: await generate({ secret: e.secret }) });
      return () => cookieCall(t, e.cookies, 'DELETE', '/api/v1/me/2fa', { password: PASSWORD });
    },
    'POST /api/v1/invitations': async () =>
      api('POST', '/api/v1/invitations', { email: `${uniq('inv')}@example.test`, name: 'Ivy', role: 'agent', teamIds: [] }),
    'POST /api/v1/invitations/:id/resend': async () => api('POST', `/api/v1/invitations/${(await invite()).id}/resend`),
    'DELETE /api/v1/invitations/:id': async () => api('DELETE', `/api/v1/invitations/${(await invite()).id}`),
    'POST /api/v1/invitations/accept': async () =>
      api('POST', '/api/v1/invitations/accept', { token: (await invite()).token, password: 'Invited-password-7' }),
    'POST /api/v1/teams': async () => api('POST', '/api/v1/teams', { name: uniq('Team') }),
    'PATCH /api/v1/teams/:id': async () => api('PATCH', `/api/v1/teams/${await makeTeam(t.db, uniq('T'))}`, { memberIds: [admin.id] }),
    'DELETE /api/v1/teams/:id': async () => api('DELETE', `/api/v1/teams/${await makeTeam(t.db, uniq('T'))}`),
    'POST /api/v1/roles': async () => api('POST', '/api/v1/roles', { name: uniq('Role'), permissions: ['case.view_team'] }),
    'PATCH /api/v1/roles/:id': async () =>
      api('PATCH', `/api/v1/roles/${(await made('/api/v1/roles', { name: uniq('Role'), permissions: [] })).id}`, {
        permissions: ['case.follow'],
      }),
    'DELETE /api/v1/roles/:id': async () =>
      api('DELETE', `/api/v1/roles/${(await made('/api/v1/roles', { name: uniq('Role'), permissions: [] })).id}`),
    'POST /api/v1/tokens': async () => api('POST', '/api/v1/tokens', { name: 'script' }),
    'DELETE /api/v1/tokens/:id': async () => api('DELETE', `/api/v1/tokens/${(await made('/api/v1/tokens', { name: 'old' })).id}`),
    'PATCH /api/v1/organisation': async () => api('PATCH', '/api/v1/organisation', { name: uniq('Org'), auditRetentionDays: 400 }),
    'PUT /api/v1/organisation/sso': async () =>
      api('PUT', '/api/v1/organisation/sso', { clientId: 'casework', clientSecret: 'sso-client-secret' }),
    'POST /api/v1/case-fields': async () =>
      api('POST', '/api/v1/case-fields', { key: uniq('f').replace(/-/g, '_'), label: 'F', type: 'text' }),
    'PATCH /api/v1/case-fields/:key': async () => {
      const f = await made('/api/v1/case-fields', { key: uniq('f').replace(/-/g, '_'), label: 'F', type: 'text' });
      return api('PATCH', `/api/v1/case-fields/${f.key}`, { label: 'Renamed' });
    },
    'DELETE /api/v1/case-fields/:key': async () => {
      const f = await made('/api/v1/case-fields', { key: uniq('f').replace(/-/g, '_'), label: 'F', type: 'text' });
      return api('DELETE', `/api/v1/case-fields/${f.key}`);
    },
    'POST /api/v1/calendars': async () => api('POST', '/api/v1/calendars', calendar),
    'PATCH /api/v1/calendars/:id': async () =>
      api('PATCH', `/api/v1/calendars/${(await made('/api/v1/calendars', calendar)).id}`, { name: 'Renamed' }),
    'DELETE /api/v1/calendars/:id': async () => api('DELETE', `/api/v1/calendars/${(await made('/api/v1/calendars', calendar)).id}`),
    'POST /api/v1/sla-policies': async () => api('POST', '/api/v1/sla-policies', policy),
    'PATCH /api/v1/sla-policies/:id': async () =>
      api('PATCH', `/api/v1/sla-policies/${(await made('/api/v1/sla-policies', policy)).id}`, { targets: { resolution: 60 } }),
    'DELETE /api/v1/sla-policies/:id': async () => api('DELETE', `/api/v1/sla-policies/${(await made('/api/v1/sla-policies', policy)).id}`),
    'POST /api/v1/channels': async () => api('POST', '/api/v1/channels', { type: 'sms', name: 'SMS', teamId: team, settings: sms() }),
    'PATCH /api/v1/channels/:id': async () =>
      api('PATCH', `/api/v1/channels/${(await channel()).id}`, { name: 'Renamed', settings: { authToken: 'rotated-sms-secret' } }),
    'DELETE /api/v1/channels/:id': async () => api('DELETE', `/api/v1/channels/${(await channel()).id}`),
    'POST /api/v1/webhooks': async () => api('POST', '/api/v1/webhooks', hook),
    'POST /api/v1/blocklist': async () =>
      api('POST', '/api/v1/blocklist', { entries: [{ kind: 'domain', value: `${uniq('b')}.example` }] }),
    'DELETE /api/v1/blocklist': async () => {
      const value = `${uniq('d')}.example`;
      await call(t, admin, 'POST', '/api/v1/blocklist', { entries: [{ kind: 'domain', value }] });
      return api('DELETE', '/api/v1/blocklist', { entries: [{ kind: 'domain', value }] });
    },
    'PATCH /api/v1/webhooks/:id': async () =>
      api('PATCH', `/api/v1/webhooks/${(await made('/api/v1/webhooks', hook)).id}`, { active: false, secret: 'rotated-webhook-secret' }),
    'DELETE /api/v1/webhooks/:id': async () => api('DELETE', `/api/v1/webhooks/${(await made('/api/v1/webhooks', hook)).id}`),
    'POST /api/v1/canned-replies': async () => api('POST', '/api/v1/canned-replies', reply),
    'PATCH /api/v1/canned-replies/:id': async () =>
      api('PATCH', `/api/v1/canned-replies/${(await made('/api/v1/canned-replies', reply)).id}`, { title: 'Hi' }),
    'DELETE /api/v1/canned-replies/:id': async () =>
      api('DELETE', `/api/v1/canned-replies/${(await made('/api/v1/canned-replies', reply)).id}`),
    'POST /api/v1/macros': async () => api('POST', '/api/v1/macros', macro),
    'PATCH /api/v1/macros/:id': async () =>
      api('PATCH', `/api/v1/macros/${(await made('/api/v1/macros', macro)).id}`, { title: 'Renamed' }),
    'DELETE /api/v1/macros/:id': async () => api('DELETE', `/api/v1/macros/${(await made('/api/v1/macros', macro)).id}`),
  };

  const changing = () =>
    routePermissions(t.app)
      .filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
      .map((r) => `${r.method} ${r.url}`);

  it('every changing route is either audited or excluded with a reason, never both', () => {
    const routes = changing();
    expect(routes.filter((r) => !(r in EXERCISES) && !(r in EXCLUDED))).toEqual([]);
    expect(routes.filter((r) => r in EXERCISES && r in EXCLUDED)).toEqual([]);
    // Nothing listed that no longer exists.
    expect([...Object.keys(EXERCISES), ...Object.keys(EXCLUDED)].filter((r) => !routes.includes(r))).toEqual([]);
  });

  const count = async () =>
    Number(
      (
        await t.db.kysely
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('each audited route writes an entry with the address it came from, and no secret', async () => {
    const missing: string[] = [];
    for (const [route, exercise] of Object.entries(EXERCISES)) {
      const request = await exercise();
      const before = await count();
      const r = await request();
      expect(r.statusCode, `${route}: ${r.body}`).toBeLessThan(500);
      if ((await count()) <= before) missing.push(`${route} (${r.statusCode})`);
    }
    expect(missing).toEqual([]);
    const rows = await t.db.kysely.selectFrom('audit_log').selectAll().execute();
    expect(rows.filter((e) => !e.ip && e.action !== 'audit_log.pruned').map((e) => e.action)).toEqual([]);
    const text = JSON.stringify(rows);
    for (const secret of [
      PASSWORD,
      'A-new-password-42',
      'Invited-password-7',
      'sms-auth-secret',
      'rotated-sms-secret',
      'webhook-signing-secret',
      'rotated-webhook-secret',
      'sso-client-secret',
      admin.token,
    ])
      expect(text, secret).not.toContain(secret);
    expect(text).not.toMatch(/cw_[A-Za-z0-9_-]{10,}/); // no API token
    expect(text).not.toMatch(/\$argon2/); // no password hash
  });
});
