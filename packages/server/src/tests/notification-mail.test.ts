import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { startSmtpSink as smtpSink, type SmtpSink } from '../test-support/smtp-sink.ts';
import { readChannelOptions } from '../channels/config.ts';
import { deliverDueDigests, deliverDueNotificationMail } from '../channels/email/notification-mail.ts';

const PUBLIC = 'https://help.acme.test';
const opts = readChannelOptions({}, '127.0.0.1', { smtp: null, httpTimeoutMs: 3000, retryBaseMs: 60_000 });
const T0 = new Date('2026-04-01T10:20:00Z');

describe.each(DB_KINDS)('notification mail through a real SMTP socket (%s)', (kind) => {
  const clock = fixedClock(T0);
  let t: TestApp;
  let o: Org;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock, config: { publicUrl: PUBLIC } });
    o = await makeOrg(t);
    sink = await smtpSink();
    t.deps.outbound.smtpRelay = sink.url;
  });
  afterEach(() => {
    sink.mails.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const assign = async (subject: string, to: TestUser, by: TestUser = o.admin) => {
    const c = await call(t, by, 'POST', '/api/v1/cases', { subject, teamId: o.teamA });
    expect((await call(t, by, 'POST', `/api/v1/cases/${c.data.id}/assign`, { teamId: o.teamA, ownerId: to.id })).statusCode).toBe(200);
    return c.data as { id: string; reference: string };
  };
  const statusOf = async (caseId: string) =>
    (
      await sql<{ email_status: string }>`SELECT email_status FROM notifications WHERE case_id = ${caseId}::uuid`.execute(t.db.kysely)
    ).rows.map((r) => r.email_status);

  it('one mail per notification: to the user, a link to the case, plain and HTML parts, Auto-Submitted; sent once', async () => {
    const c = await assign('Printer on fire', o.agent);
    expect(await statusOf(c.id)).toEqual(['pending']);
    expect(await deliverDueNotificationMail(t.deps, opts)).toBe(1);
    expect(sink.mails).toHaveLength(1);
    const m = sink.mails[0]!;
    expect(m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : null).toBe(o.agent.email);
    expect(m.subject).toBe(`Ada Admin assigned you #${c.reference} Printer on fire`);
    expect(m.text).toContain(`${PUBLIC}/cases/${c.id}`);
    expect(m.html).toContain(`href="${PUBLIC}/cases/${c.id}"`);
    expect(m.html).toContain('Printer on fire');
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    expect(m.from?.value[0]?.address).toBe('notifications@help.acme.test');
    expect(await statusOf(c.id)).toEqual(['sent']);
    expect(await deliverDueNotificationMail(t.deps, opts)).toBe(0);
    expect(sink.mails).toHaveLength(1);
  });

  it('HTML is escaped: a subject with markup arrives as text', async () => {
    await assign('<img src=x onerror=alert(1)> & more', o.agent2);
    await deliverDueNotificationMail(t.deps, opts);
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]!.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; more');
    expect(sink.mails[0]!.html).not.toContain('<img');
  });

  it('not delivered when the user lost sight of the case before it went out', async () => {
    const c = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Moving away', teamId: o.teamA });
    await call(t, o.admin, 'POST', `/api/v1/cases/${c.data.id}/messages`, { body: `@${o.viewer.email} fyi`, internal: true });
    expect(await statusOf(c.data.id)).toEqual(['pending']);
    expect((await call(t, o.admin, 'POST', `/api/v1/cases/${c.data.id}/assign`, { teamId: o.teamB })).statusCode).toBe(200);
    await deliverDueNotificationMail(t.deps, opts);
    expect(sink.mails).toEqual([]);
    expect(await statusOf(c.data.id)).toEqual(['skipped']);
  });

  it('no mail for a type whose email is off (followed cases by default)', async () => {
    const c = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Followed', teamId: o.teamA, ownerId: o.admin.id });
    await call(t, o.supervisor, 'POST', `/api/v1/cases/${c.data.id}/follow`);
    await call(t, o.admin, 'POST', `/api/v1/cases/${c.data.id}/messages`, { body: 'note', internal: true });
    expect(await statusOf(c.data.id)).toEqual(['none']);
    expect(await deliverDueNotificationMail(t.deps, opts)).toBe(0);
  });

  it('an hourly digest: nothing before the hour, then one mail with every waiting notification, once', async () => {
    const user = o.supervisor;
    clock.set(T0);
    expect((await call(t, user, 'PUT', '/api/v1/me/notification-settings', { emailDigest: 'hourly' })).statusCode).toBe(200);
    const a = await assign('Digest one', user);
    clock.advance(60_000);
    const b = await assign('Digest two', user);
    expect(await statusOf(a.id)).toEqual(['digest']);
    expect(await deliverDueNotificationMail(t.deps, opts)).toBe(0);
    expect(await deliverDueDigests(t.deps, opts)).toBe(0);
    expect(sink.mails).toEqual([]);
    clock.set(new Date('2026-04-01T11:00:00Z'));
    expect(await deliverDueDigests(t.deps, opts)).toBe(1);
    expect(sink.mails).toHaveLength(1);
    const m = sink.mails[0]!;
    expect(m.subject).toBe('2 Casework notifications');
    expect(m.text).toContain(`#${a.reference} Digest one`);
    expect(m.text).toContain(`${PUBLIC}/cases/${b.id}`);
    expect(m.html).toContain(`href="${PUBLIC}/cases/${a.id}"`);
    expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    expect(await statusOf(a.id)).toEqual(['sent']);
    expect(await deliverDueDigests(t.deps, opts)).toBe(0);
    // The next one waits for the next hour.
    const c = await assign('Digest three', user);
    clock.set(new Date('2026-04-01T11:30:00Z'));
    expect(await deliverDueDigests(t.deps, opts)).toBe(0);
    clock.set(new Date('2026-04-01T12:00:00Z'));
    expect(await deliverDueDigests(t.deps, opts)).toBe(1);
    expect(sink.mails).toHaveLength(2);
    expect(sink.mails[1]!.subject).toBe(`Ada Admin assigned you #${c.reference} Digest three`);
    // Turning the digest off sends what waits one by one.
    const d = await assign('After digest', user);
    await call(t, user, 'PUT', '/api/v1/me/notification-settings', { emailDigest: 'off' });
    expect(await statusOf(d.id)).toEqual(['pending']);
    expect(await deliverDueNotificationMail(t.deps, opts)).toBe(1);
    expect(sink.mails).toHaveLength(3);
  });
});

describe.runIf(DB_KINDS.includes('postgres'))('notification mail across two server processes (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  let o: Org;
  let sink: SmtpSink;
  beforeAll(async () => {
    a = await startTestApp('postgres', { config: { publicUrl: PUBLIC } });
    b = await startTestApp('postgres', { attachTo: a.databaseUrl!, config: { publicUrl: PUBLIC } });
    o = await makeOrg(a);
    sink = await smtpSink();
    a.deps.outbound.smtpRelay = sink.url;
    b.deps.outbound.smtpRelay = sink.url;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await sink.close();
  });

  it('each notification mail and each digest goes out exactly once while both processes send', async () => {
    const cases: string[] = [];
    for (let i = 0; i < 12; i++) {
      const c = await call(a, o.admin, 'POST', '/api/v1/cases', { subject: `Twice? ${i}`, teamId: o.teamA });
      await call(i % 2 ? a : b, o.supervisor, 'POST', `/api/v1/cases/${c.data.id}/assign`, { teamId: o.teamA, ownerId: o.agent.id });
      cases.push(c.data.id);
    }
    const drain = async (t: TestApp) => {
      let n = 0;
      for (;;) {
        const k = await deliverDueNotificationMail(t.deps, opts, 3);
        if (k === 0) return n;
        n += k;
      }
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(sink.mails).toHaveLength(12);
    expect(new Set(sink.mails.map((m) => m.subject)).size).toBe(12);

    sink.mails.length = 0;
    await call(a, o.agent2, 'PUT', '/api/v1/me/notification-settings', { emailDigest: 'hourly' });
    for (let i = 0; i < 3; i++) {
      const c = await call(a, o.admin, 'POST', '/api/v1/cases', { subject: `Digest ${i}`, teamId: o.teamA });
      await call(b, o.admin, 'POST', `/api/v1/cases/${c.data.id}/assign`, { teamId: o.teamA, ownerId: o.agent2.id });
    }
    await sql`UPDATE notification_settings SET digest_due_at = now() - interval '1 second'`.execute(a.db.kysely);
    await Promise.all([deliverDueDigests(a.deps, opts), deliverDueDigests(b.deps, opts), deliverDueDigests(a.deps, opts)]);
    expect(sink.mails).toHaveLength(1);
    expect(sink.mails[0]!.subject).toBe('3 Casework notifications');
  });
});
