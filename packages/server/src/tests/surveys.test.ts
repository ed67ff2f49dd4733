import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, listenOnLoopback, startTestApp, type TestApp } from '../test-support/harness.ts';
import { expectProblem, fingerprint, makeOrg, seedCase, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';
import { openSse } from '../test-support/sse-client.ts';
import { readChannelOptions, type ChannelOptions } from '../channels/config.ts';
import { deliverDueReplies } from '../channels/outbound/replies.ts';
import { DemoOutbox } from '../demo/demo-outbox.ts';
import { uuidv7 } from '../ids.ts';

/**
 * Satisfaction surveys (SPEC §12): resolving an email or SMS case sends the customer a link by the
 * case's channel through the outbound delivery path; the public page records 1–5 stars and a
 * comment once; the answer is on the case, in its history, live, and in reports.
 */
describe.each(DB_KINDS)('satisfaction surveys (%s)', (kind) => {
  const clock = fixedClock(new Date());
  let t: TestApp;
  let o: Org;
  let base: string;
  let outbox: DemoOutbox;
  let email: string;
  let sms: string;
  const opts: ChannelOptions = readChannelOptions({}, '127.0.0.1', {
    smtp: null,
    retryBaseMs: 60_000,
    retryMaxMs: 600_000,
    maxAttempts: 3,
    httpTimeoutMs: 3000,
  });

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
    outbox = new DemoOutbox();
    await outbox.start();
    t.deps.outbound.smtpRelay = outbox.smtpUrl;
    const e = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: o.teamA,
      settings: { address: 'support@acme.test' },
    });
    expect(e.statusCode).toBe(201);
    expect(e.data.surveys).toBe(true); // on unless switched off
    email = e.data.id;
    const s = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'Support SMS',
      teamId: o.teamA,
      settings: { accountSid: 'ACdemo', phoneNumber: '+15550100', authToken: 'secret', apiBaseUrl: outbox.smsApiBaseUrl },
    });
    expect(s.statusCode).toBe(201);
    sms = s.data.id;
  });
  afterAll(async () => {
    t.deps.outbound.smtpRelay = undefined;
    await t.close();
    await outbox.stop();
  });

  let customerNo = 0;
  /** A case of team A owned by the agent, from a new customer, linked to a channel (or none). */
  async function channelCase(channelId: string | null, subject = 'Printer on fire'): Promise<string> {
    customerNo++;
    const id = await seedCase(t.db, {
      teamId: o.teamA,
      type: channelId === sms ? 'sms' : 'email',
      ownerId: o.agent.id,
      subject,
      createdAt: clock.now(),
      customer: { name: `Ann Secret${customerNo}`, email: `ann${customerNo}@cust.test`, phone: `+4917000000${10 + customerNo}` },
    });
    if (channelId)
      await t.db.kysely
        .insertInto('case_channels')
        .values({ case_id: id, channel_id: channelId, customer_address: null, created_at: clock.now() })
        .execute();
    return id;
  }
  const resolve = async (id: string, resolution = 'completed') => {
    const r = await call(t, o.supervisor, 'POST', `/api/v1/cases/${id}/resolve`, { resolution });
    expect(r.statusCode).toBe(200);
  };
  const history = async (id: string) => (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events as any[];
  const surveyMailsTo = (address: string) => outbox.items.filter((m) => m.kind === 'email' && m.to.includes(address));
  /** The survey link's token in what the customer received. */
  const tokenIn = (text: string) => /\/survey\/([^\s?"<]+)/.exec(text)?.[1];
  const caseOf = async (id: string) => (await call(t, o.admin, 'GET', `/api/v1/cases/${id}`)).data;
  const form = (url: string, body: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams(body).toString(),
    });

  it('resolving an email case mails a survey link once; the page names only the reference; the answer is on the case, in its history and live', async () => {
    const id = await channelCase(email);
    const stream = openSse(`${base}/api/v1/events`, o.agent.headers);
    try {
      await stream.status;
      await resolve(id);
      expect(surveyMailsTo(`ann${customerNo}@`)).toHaveLength(0); // queued: sent by the delivery worker after commit
      // Two workers at once (as two processes would): the invitation leaves once.
      const [a, b] = await Promise.all([deliverDueReplies(t.deps, opts), deliverDueReplies(t.deps, opts)]);
      expect(a + b).toBe(1);
      expect(await deliverDueReplies(t.deps, opts)).toBe(0);
      const mails = surveyMailsTo(`ann${customerNo}@`);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toMatch(/How did we do\?.*\[#[A-Z0-9]{6}\]/);
      const token = tokenIn(mails[0]!.body)!;
      expect(token).toBeTruthy();
      const c = await caseOf(id);
      expect(c.satisfaction).toBeNull();
      expect((await history(id)).filter((e) => e.type === 'case.survey_sent')).toMatchObject([{ data: { channel: 'email' } }]);
      // Only the hash is stored.
      const stored = await t.db.kysely.selectFrom('surveys').select('secret_hash').where('case_id', '=', id).executeTakeFirstOrThrow();
      expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(token).not.toContain(stored.secret_hash!);

      const page = await t.app.inject({ method: 'GET', url: `/survey/${token}?stars=4`, headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain(c.reference);
      expect(page.body).toMatch(/value="4" checked/);
      for (const secret of ['Printer on fire', `Ann Secret${customerNo}`, `ann${customerNo}@cust.test`, 'Alice', 'Team A', id])
        expect(page.body).not.toContain(secret);
      const json = await call(t, null, 'GET', `/survey/${token}`);
      expect(json.data).toEqual({ reference: c.reference, organisation: expect.any(String) });

      const answer = await call(t, null, 'POST', `/survey/${token}`, { stars: 4, comment: '  Quick and kind  ' });
      expect(answer.statusCode).toBe(200);
      expect(answer.data).toMatchObject({ reference: c.reference, stars: 4, comment: 'Quick and kind' });
      const rated = await stream.next((e) => e.event === 'case.satisfaction_rated' && e.data?.caseId === id, 'the rating, live');
      const after = await caseOf(id);
      expect(after.satisfaction).toEqual({ stars: 4, comment: 'Quick and kind', at: clock.now().toISOString() });
      const event = (await history(id)).find((e) => e.type === 'case.satisfaction_rated');
      expect(event).toMatchObject({ id: rated.id, actorId: null, data: { stars: 4, comment: 'Quick and kind' } });

      // Used: 409, by JSON and by the form; nothing changes.
      const before = await fingerprint(t.db);
      expectProblem(await call(t, null, 'POST', `/survey/${token}`, { stars: 1 }), 409, 'conflict');
      expectProblem(await call(t, null, 'GET', `/survey/${token}`), 409, 'conflict');
      const again = await form(`/survey/${token}`, { stars: '1' });
      expect(again.statusCode).toBe(409);
      expect(again.body).toMatch(/already been answered/);
      expect(await fingerprint(t.db)).toBe(before);
      expect((await caseOf(id)).satisfaction.stars).toBe(4);
    } finally {
      stream.close();
    }
  });

  it('forged, unknown or malformed links are 404 and change nothing; bad stars or comment are 400 naming the field', async () => {
    const id = await channelCase(email);
    await resolve(id);
    await deliverDueReplies(t.deps, opts);
    const token = tokenIn(surveyMailsTo(`ann${customerNo}@`)[0]!.body)!;
    const [surveyId, secret] = token.split('.') as [string, string];
    const forged = `${surveyId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const before = await fingerprint(t.db);
    for (const bad of [forged, `${UNKNOWN_ID}.${secret}`, 'nonsense', `${surveyId}`]) {
      expectProblem(await call(t, null, 'POST', `/survey/${bad}`, { stars: 5 }), 404, 'not_found');
      expectProblem(await call(t, null, 'GET', `/survey/${bad}`), 404, 'not_found');
    }
    const page = await t.app.inject({ method: 'GET', url: `/survey/${forged}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toMatch(/not valid/);
    for (const [body, field] of [
      [{ stars: 0 }, 'stars'],
      [{ stars: 6 }, 'stars'],
      [{ stars: 'x' }, 'stars'],
      [{ stars: 3, comment: 'x'.repeat(2001) }, 'comment'],
      [{ stars: 3, extra: 1 }, 'extra'],
    ] as const) {
      const r = expectProblem(await call(t, null, 'POST', `/survey/${token}`, body), 400, 'validation_failed');
      expect(JSON.stringify(r.errors ?? r.fields ?? r)).toContain(field);
    }
    expect(await fingerprint(t.db)).toBe(before);
    // The form: stars as text, the thank-you page.
    const done = await form(`/survey/${token}`, { stars: '2', comment: '' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toMatch(/Thank you/);
    expect((await caseOf(id)).satisfaction).toEqual({ stars: 2, at: expect.any(String) });
  });

  it('an SMS case gets the link by text message through the provider', async () => {
    const id = await channelCase(sms);
    await resolve(id, 'unresolved');
    expect(await deliverDueReplies(t.deps, opts)).toBe(1);
    const text = outbox.items.find((m) => m.kind === 'sms' && m.to === `+4917000000${10 + customerNo}`);
    expect(text?.body).toMatch(/How did we do\?/);
    const token = tokenIn(text!.body)!;
    expect((await call(t, null, 'POST', `/survey/${token}`, { stars: 5 })).statusCode).toBe(200);
    expect((await history(id)).find((e) => e.type === 'case.survey_sent')?.data.channel).toBe('sms');
  });

  it('no survey when canceled, without a channel, switched off, resolved again, after a bounce; a case reopened before it left is surveyed at its next resolution', async () => {
    const queued = async () =>
      Number(
        (
          await t.db.kysely
            .selectFrom('surveys')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await deliverDueReplies(t.deps, opts);
    const start = await queued();

    await resolve(await channelCase(email), 'canceled');
    await resolve(await channelCase(null));
    expect(await queued()).toBe(start);

    const off = await call(t, o.admin, 'PATCH', `/api/v1/channels/${email}`, { surveys: false });
    expect(off.data.surveys).toBe(false);
    await resolve(await channelCase(email));
    expect(await queued()).toBe(start);
    expect((await call(t, o.admin, 'PATCH', `/api/v1/channels/${email}`, { surveys: true })).data.surveys).toBe(true);

    // Resolved, surveyed, reopened, resolved again: one survey.
    const twice = await channelCase(email);
    await resolve(twice);
    await deliverDueReplies(t.deps, opts);
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${twice}/reopen`)).statusCode).toBe(200);
    await resolve(twice);
    expect(await queued()).toBe(start + 1);

    // A customer whose earlier mail failed for good after reaching the relay gets none.
    const bounced = await channelCase(email);
    const msg = await call(t, o.agent, 'POST', `/api/v1/cases/${bounced}/messages`, { body: 'Hello' });
    await t.db.kysely
      .updateTable('outbound_messages')
      .set({ status: 'failed', attempts: 1 })
      .where('message_id', '=', msg.data.id)
      .execute();
    await resolve(bounced);
    expect(await queued()).toBe(start + 1);

    // A blocked address, a bounced one, a customer whose last mail was an auto-reply: none (mayAutoMailTo).
    const blocked = await channelCase(email);
    await t.db.kysely
      .insertInto('blocklist')
      .values({ id: uuidv7(), kind: 'email', value: `ann${customerNo}@cust.test`, created_at: clock.now() })
      .execute();
    await resolve(blocked);
    const bouncedByDsn = await channelCase(email);
    await t.db.kysely
      .insertInto('bounced_addresses')
      .values({ address: `ann${customerNo}@cust.test`, bounced_at: clock.now() })
      .execute();
    await resolve(bouncedByDsn);
    const automatic = await channelCase(email);
    await t.db.kysely
      .insertInto('messages')
      .values({
        id: uuidv7(),
        case_id: automatic,
        body: 'I am out of office.',
        internal: false,
        direction: 'inbound',
        channel: 'email',
        author_id: null,
        automatic: 'auto_replied',
        created_at: clock.now(),
      })
      .execute();
    await resolve(automatic);
    expect(await queued()).toBe(start + 1);

    // Blocked after the resolution, before the invitation left: it fails for good, with the reason in the history.
    const late = await channelCase(email);
    await resolve(late);
    expect(await queued()).toBe(start + 2);
    await t.db.kysely
      .insertInto('blocklist')
      .values({ id: uuidv7(), kind: 'domain', value: 'cust.test', created_at: clock.now() })
      .execute();
    await deliverDueReplies(t.deps, opts);
    expect(surveyMailsTo(`ann${customerNo}@`)).toHaveLength(0);
    expect((await history(late)).find((e) => e.type === 'case.survey_failed')?.data.lastError).toMatch(/blocked/);
    await t.db.kysely.deleteFrom('blocklist').execute();
    await t.db.kysely.deleteFrom('surveys').where('case_id', '=', late).execute();

    // Reopened before the invitation left: withdrawn, and the next resolution surveys.
    const early = await channelCase(email);
    await resolve(early);
    expect(await queued()).toBe(start + 2);
    expect((await call(t, o.agent, 'POST', `/api/v1/cases/${early}/reopen`)).statusCode).toBe(200);
    await deliverDueReplies(t.deps, opts);
    expect(surveyMailsTo(`ann${customerNo}@`)).toHaveLength(0);
    expect(await queued()).toBe(start + 1);
    await resolve(early);
    await deliverDueReplies(t.deps, opts);
    expect(surveyMailsTo(`ann${customerNo}@`)).toHaveLength(1);
  });

  it('reports count survey answers as satisfaction', async () => {
    const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const r = await call(t, o.admin, 'GET', `/api/v1/reports/summary?from=${day(-1)}&to=${day(1)}`);
    expect(r.statusCode).toBe(200);
    // Answers so far: 4 (email), 2 (form), 5 (SMS).
    expect(r.data.csat).toMatchObject({ count: 3, average: 3.67, distribution: { '2': 1, '4': 1, '5': 1 } });
  });
});
