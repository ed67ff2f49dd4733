import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, listenOnLoopback, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, expectRefused, makeOrg, seedCase, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';
import { openSse } from '../test-support/sse-client.ts';
import { readChannelOptions, type ChannelOptions } from '../channels/config.ts';
import { deliverDueReplies } from '../channels/outbound/replies.ts';
import nodemailer from 'nodemailer';
import { DemoOutbox } from '../demo/demo-outbox.ts';

/** A local SMTP relay that keeps every mail it is given. */
async function smtpSink(): Promise<{ url: string; mails: ParsedMail[]; close(): Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A loopback address where nothing listens (a relay that is down). */
async function deadRelay(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return `smtp://127.0.0.1:${port}`;
}

const MAX_ATTEMPTS = 3;

describe.each(DB_KINDS)('delivery status of outbound messages (%s)', (kind) => {
  const clock = fixedClock(new Date());
  let t: TestApp;
  let o: Org;
  let base: string;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let emailChannel: string;
  const opts: ChannelOptions = readChannelOptions({}, '127.0.0.1', {
    smtp: null,
    retryBaseMs: 60_000,
    retryMaxMs: 600_000,
    maxAttempts: MAX_ATTEMPTS,
    httpTimeoutMs: 3000,
  });

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
    sink = await smtpSink();
    t.deps.outbound.smtpRelay = null;
    const ch = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'email',
      name: 'Support mail',
      teamId: o.teamA,
      settings: { address: 'support@acme.test' },
    });
    expect(ch.statusCode).toBe(201);
    emailChannel = ch.data.id;
  });
  afterAll(async () => {
    t.deps.outbound.smtpRelay = undefined;
    await t.close();
    await sink.close();
  });

  /** An email case of team A owned by the agent, linked to a channel (or none). */
  async function emailCase(channelId: string | null = emailChannel, ownerId: string = o.agent.id): Promise<string> {
    const id = await seedCase(t.db, {
      teamId: o.teamA,
      type: 'email',
      ownerId,
      createdAt: clock.now(),
      customer: { name: 'Ann', email: 'ann@cust.test', phone: '+491700000001' },
    });
    if (channelId)
      await t.db.kysely
        .insertInto('case_channels')
        .values({ case_id: id, channel_id: channelId, customer_address: null, created_at: clock.now() })
        .execute();
    return id;
  }
  const reply = async (user: TestUser, caseId: string, body = 'We are on it.') => {
    const r = await call(t, user, 'POST', `/api/v1/cases/${caseId}/messages`, { body });
    expect(r.statusCode).toBe(201);
    return r.data;
  };
  const messageOf = async (caseId: string, id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${caseId}/messages`)).data.messages.find((m: any) => m.id === id);
  const deliveryEvents = async (caseId: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${caseId}/events`)).data.events.filter((e: any) => e.type === 'case.delivery_changed');
  const withRelay = async <T>(url: string | null, work: () => Promise<T>) => {
    t.deps.outbound.smtpRelay = url;
    try {
      return await work();
    } finally {
      t.deps.outbound.smtpRelay = null;
    }
  };

  it('without a mail relay an email reply fails at once with the reason, and the channel says so up front', async () => {
    const channel = await call(t, o.admin, 'GET', `/api/v1/channels/${emailChannel}`);
    expect(channel.data).toMatchObject({ canDeliver: false, deliveryProblem: expect.stringMatching(/CASEWORK_SMTP_URL/) });
    const id = await emailCase();
    const caseChannel = await call(t, o.agent, 'GET', `/api/v1/cases/${id}/channel`);
    expect(caseChannel.data).toMatchObject({ canDeliver: false, deliveryProblem: expect.stringMatching(/CASEWORK_SMTP_URL/) });

    const m = await reply(o.agent, id);
    expect(m.delivery).toEqual({
      state: 'failed',
      attempts: 0,
      lastError: expect.stringMatching(/CASEWORK_SMTP_URL/),
      at: expect.any(String),
    });
    expect((await messageOf(id, m.id)).delivery).toEqual(m.delivery);
    expect(await deliverDueReplies(t.deps, opts)).toBe(0); // nothing left to retry forever
    const [event] = await deliveryEvents(id);
    expect(event).toMatchObject({
      actorId: null,
      data: {
        messageId: m.id,
        state: 'failed',
        authorId: o.agent.id,
        ownerId: o.agent.id,
        lastError: expect.stringMatching(/CASEWORK_SMTP_URL/),
      },
    });
  });

  it('an SMS channel without a provider account and a case without any channel fail at once too; chat replies are sent', async () => {
    const created = await call(t, o.admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'Texts',
      teamId: o.teamA,
      settings: { phoneNumber: '+15550000', accountSid: 'AC1', authToken: 'secret' },
    });
    expect(created.data).toMatchObject({ canDeliver: true, deliveryProblem: null });
    // A channel stored without its provider account (configured before the account was required, or edited in the database).
    await sql`UPDATE channels SET settings = settings - 'accountSid' WHERE id = ${created.data.id}::uuid`.execute(t.db.kysely);
    const sms = await call(t, o.admin, 'GET', `/api/v1/channels/${created.data.id}`);
    expect(sms.data).toMatchObject({ canDeliver: false, deliveryProblem: expect.stringMatching(/SMS provider/) });
    const smsCase = await emailCase(sms.data.id);
    expect((await reply(o.agent, smsCase)).delivery).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/SMS provider/) });

    const bare = await emailCase(null);
    expect((await call(t, o.agent, 'GET', `/api/v1/cases/${bare}/channel`)).data).toMatchObject({ channel: null, canDeliver: false });
    expect((await reply(o.agent, bare)).delivery).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/did not come in through a channel/),
    });

    const chat = await call(t, o.admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Chat', teamId: o.teamA });
    expect(chat.data).toMatchObject({ canDeliver: true, deliveryProblem: null });
    const chatCase = await emailCase(chat.data.id);
    const m = await reply(o.agent, chatCase);
    expect(m.delivery).toEqual({ state: 'sent', attempts: 0, at: expect.any(String) });
    const note = await call(t, o.agent, 'POST', `/api/v1/cases/${chatCase}/messages`, { body: 'note', internal: true });
    expect(note.data.delivery).toBeNull();
  });

  it('with the relay up the reply is queued, then sent to the relay', async () => {
    await withRelay(sink.url, async () => {
      expect((await call(t, o.admin, 'GET', `/api/v1/channels/${emailChannel}`)).data).toMatchObject({
        canDeliver: true,
        deliveryProblem: null,
      });
      const id = await emailCase();
      const m = await reply(o.agent, id, 'Sent through the sink.');
      expect(m.delivery).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: expect.any(String) });
      expect(await deliverDueReplies(t.deps, opts)).toBe(1);
      expect((await messageOf(id, m.id)).delivery).toEqual({ state: 'sent', attempts: 1, at: expect.any(String) });
      expect(sink.mails.map((x) => x.text?.trim())).toContain('Sent through the sink.');
      expect((await deliveryEvents(id)).map((e: any) => e.data.state)).toEqual(['sent']);
    });
  });

  it('with the relay down the reply stays queued and retries with backoff, then fails after the bound', async () => {
    await withRelay(await deadRelay(), async () => {
      const id = await emailCase();
      const m = await reply(o.agent, id);
      for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
        expect(await deliverDueReplies(t.deps, opts)).toBe(1);
        const d = (await messageOf(id, m.id)).delivery;
        expect(d).toMatchObject({ state: 'queued', attempts: attempt, lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });
        expect(Date.parse(d.nextAttemptAt)).toBeGreaterThan(clock.now().getTime());
        expect(await deliverDueReplies(t.deps, opts)).toBe(0); // not before the backoff is over
        clock.set(new Date(d.nextAttemptAt));
      }
      expect(await deliverDueReplies(t.deps, opts)).toBe(1);
      expect((await messageOf(id, m.id)).delivery).toMatchObject({
        state: 'failed',
        attempts: MAX_ATTEMPTS,
        lastError: expect.any(String),
      });
      expect((await deliveryEvents(id)).map((e: any) => e.data.state)).toEqual(['failed']);
      clock.advance(24 * 3_600_000);
      expect(await deliverDueReplies(t.deps, opts)).toBe(0);
    });
  });

  it('retry: 409 unless failed or while the channel still cannot deliver; refused without access; queues a failed reply afresh', async () => {
    const id = await emailCase();
    const failed = await reply(o.agent, id);
    const url = `/api/v1/cases/${id}/messages/${failed.id}/retry`;
    const stillBroken = await expectRefused(t, o.agent, 'POST', url, undefined, 409, 'conflict');
    expect(stillBroken.detail).toMatch(/CASEWORK_SMTP_URL/);
    await expectRefused(t, o.agentB, 'POST', url, undefined, 404, 'not_found'); // may not see the case
    await expectRefused(t, o.viewer, 'POST', url, undefined, 403, 'forbidden'); // may see it, may not reply
    await expectRefused(t, null, 'POST', url, undefined, 401, 'unauthenticated');
    await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${id}/messages/${UNKNOWN_ID}/retry`, undefined, 404, 'not_found');
    await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${id}/messages/not-an-id/retry`, undefined, 404, 'not_found');
    const other = await emailCase();
    await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${other}/messages/${failed.id}/retry`, undefined, 404, 'not_found');

    await withRelay(sink.url, async () => {
      const r = await call(t, o.agent2, 'POST', url);
      expect(r.statusCode).toBe(200);
      expect(r.data).toEqual({
        messageId: failed.id,
        delivery: { state: 'queued', attempts: 0, at: expect.any(String), nextAttemptAt: expect.any(String) },
      });
      expectProblem(await call(t, o.agent, 'POST', url), 409, 'conflict'); // queued, not failed
      expect(await deliverDueReplies(t.deps, opts)).toBe(1);
      expect((await messageOf(id, failed.id)).delivery).toMatchObject({ state: 'sent', attempts: 1 });
      const sent = expectProblem(await call(t, o.agent, 'POST', url), 409, 'conflict');
      expect(sent.detail).toMatch(/sent/);
      expect((await deliveryEvents(id)).map((e: any) => [e.data.state, e.actorId])).toEqual([
        ['failed', null],
        ['queued', o.agent2.id],
        ['sent', null],
      ]);
    });
  });

  it('the demo outbox shows, escaped, what its mail relay and SMS provider received; without the demo there is none', async () => {
    expect((await call(t, null, 'GET', '/demo/outbox')).statusCode).toBe(404);
    const outbox = new DemoOutbox();
    await outbox.start();
    t.deps.demoOutbox = outbox;
    try {
      const mailer = nodemailer.createTransport({ url: outbox.smtpUrl });
      await mailer.sendMail({
        from: 'help@acme.test',
        to: 'ann@cust.test',
        subject: 'Re: <b>Printer</b>',
        text: 'Unplug it & wait <script>x</script>',
      });
      mailer.close();
      const sms = await fetch(`${outbox.smsApiBaseUrl}/2010-04-01/Accounts/ACdemo/Messages.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+491700000001', From: '+15550100', Body: 'Ships "today"' }).toString(),
      });
      expect(sms.status).toBe(201);
      expect(((await sms.json()) as { sid: string }).sid).toMatch(/^SM/);
      const page = await call(t, null, 'GET', '/demo/outbox');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('Re: &#60;b&#62;Printer&#60;/b&#62;');
      expect(page.body).toContain('Unplug it &#38; wait &#60;script&#62;x&#60;/script&#62;');
      expect(page.body).toContain('Ships &#34;today&#34;');
      expect(page.body).not.toMatch(/<script|<b>/);
      expect(page.body.indexOf('Ships')).toBeLessThan(page.body.indexOf('Unplug')); // newest first
    } finally {
      t.deps.demoOutbox = null;
      await outbox.stop();
    }
  });

  it('a failed delivery is announced live to those who may see the case (author, owner), not to others', async () => {
    const streams = [o.agent, o.agent2, o.agentB].map((u) => openSse(`${base}/api/v1/events`, u.headers));
    try {
      await Promise.all(streams.map((s) => s.status));
      const id = await emailCase(emailChannel, o.agent2.id);
      const m = await reply(o.agent, id);
      const isFailure = (e: any) => e.event === 'case.delivery_changed' && e.data?.caseId === id;
      const [author, owner] = await Promise.all([
        streams[0]!.next(isFailure, 'the failure at the author'),
        streams[1]!.next(isFailure, 'the failure at the owner'),
      ]);
      expect(author.id).toBe(owner.id);
      const [event] = await deliveryEvents(id);
      expect(event).toMatchObject({
        id: author.id,
        data: { messageId: m.id, state: 'failed', authorId: o.agent.id, ownerId: o.agent2.id },
      });
      // The outsider's stream heard nothing of the case, though it is open and hears its own team.
      const ownCase = await seedCase(t.db, { teamId: o.teamB, type: 'email', ownerId: o.agentB.id, createdAt: clock.now() });
      await reply(o.agentB, ownCase);
      await streams[2]!.next((e) => e.event === 'case.delivery_changed' && e.data?.caseId === ownCase, "its own team's failure");
      expect(streams[2]!.events.filter((e) => e.data?.caseId === id)).toEqual([]);
    } finally {
      for (const s of streams) s.close();
    }
  });
});
