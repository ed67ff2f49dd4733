import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DB_KINDS,
  call,
  fixedClock,
  makeTeam,
  makeUser,
  setOrganisation,
  sql,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../test-support/harness.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';
import { readChannelOptions } from '../channels/config.ts';
import { deliverDueReplies } from '../channels/outbound/replies.ts';

const PUBLIC_URL = 'https://casework.test';
const T0 = new Date('2026-03-10T10:00:00Z');

/** Resolves once another session waits on a row lock (PostgreSQL); the embedded database queues on its one connection instead. */
async function someoneWaitsOnALock(t: TestApp): Promise<void> {
  if (t.kind !== 'postgres') return new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 400; i++) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.db.kysely);
    if (r.rows[0]!.n > 0) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('nobody waited on the lock');
}

/** An SMS provider stand-in that holds its first request until released and records every body sent. */
function holdingProvider() {
  const bodies: string[] = [];
  let release!: () => void;
  let seen!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const firstSeen = new Promise<void>((r) => {
    seen = r;
  });
  const server = http.createServer((rq, rs) => {
    let b = '';
    rq.on('data', (c) => {
      b += c;
    });
    rq.on('end', async () => {
      bodies.push(new URLSearchParams(b).get('Body') ?? '');
      if (bodies.length === 1) {
        seen();
        await released;
      }
      rs.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${bodies.length}` }));
    });
  });
  return new Promise<{ url: string; bodies: string[]; firstSeen: Promise<void>; release(): void; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        bodies,
        firstSeen,
        release,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

describe.each(DB_KINDS)('races and lost writes (%s)', (kind) => {
  let t: TestApp;
  let teamA: string;
  let teamB: string;
  let admin: TestUser;
  let agent: TestUser;
  const clock = fixedClock(T0);

  beforeAll(async () => {
    t = await startTestApp(kind, { clock, config: { publicUrl: PUBLIC_URL }, poolSize: 24 });
    teamA = await makeTeam(t.db, 'Alpha');
    teamB = await makeTeam(t.db, 'Beta');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [teamA, teamB] });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [teamA, teamB] });
  });
  afterAll(() => t.close());

  const moveTeamWhile = async <T>(caseId: string, teamId: string, action: () => Promise<T>): Promise<T> => {
    const trx = await t.db.kysely.startTransaction().execute();
    await trx.updateTable('cases').set({ team_id: teamId }).where('id', '=', caseId).execute();
    const pending = action();
    await someoneWaitsOnALock(t);
    await trx.commit().execute();
    return pending;
  };

  it('a claim that waited on a case being moved to another team still finds it (no 404)', async () => {
    const id = (await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Moving', teamId: teamA })).data.id;
    const r = await moveTeamWhile(id, teamB, () => call(t, agent, 'POST', `/api/v1/cases/${id}/claim`));
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({ teamId: teamB, ownerId: agent.id, status: 'ready' });
  });

  it('a customer message arriving while its case moves team joins that case (no second case)', async () => {
    const ch = await call(t, admin, 'POST', '/api/v1/channels', { type: 'web_connect', name: 'Chat', teamId: teamA, settings: {} });
    const chat = await call(t, null, 'POST', '/api/v1/chat/sessions', {
      channelKey: ch.data.publicKey,
      name: 'Ann',
      email: 'ann@x.test',
      message: 'Hi',
    });
    expect(chat.statusCode).toBe(201);
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/chat/sessions/${chat.data.id}/messages`,
        headers: { 'content-type': 'application/json', 'x-chat-token': chat.data.token },
        payload: JSON.stringify({ body: 'Still there?' }),
      });
    clock.advance(1000);
    const r = await moveTeamWhile(chat.data.caseId, teamB, send);
    expect(r.statusCode).toBe(201);
    const state = await call(t, null, 'GET', `/api/v1/chat/sessions/${chat.data.id}?token=${chat.data.token}`);
    expect(state.data.caseId).toBe(chat.data.caseId);
    expect(state.data.messages.map((m: { body: string }) => m.body)).toEqual(['Hi', 'Still there?']);
  });

  it('a user following a case several times at once becomes one collaborator, with no error', async () => {
    const id = (await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Follow me', teamId: teamA })).data.id;
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(t, agent, 'POST', `/api/v1/cases/${id}/follow`)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.collaboratorIds).toEqual([agent.id]);
    const events = (await call(t, agent, 'GET', `/api/v1/cases/${id}/events`)).data.events;
    expect(events.filter((e: { type: string }) => e.type === 'case.collaborator_added')).toHaveLength(1);
  });

  it('ten SMS from a new number arriving at once open one case, not several', async () => {
    const ch = await call(t, admin, 'POST', '/api/v1/channels', {
      type: 'sms',
      name: 'SMS',
      teamId: teamA,
      settings: { accountSid: 'AC1', phoneNumber: '+15550000', authToken: 'tok-123456' },
    });
    const path = `/webhooks/sms/${ch.data.id}`;
    const from = '+491700009999';
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => {
        const form = { MessageSid: `SMrace${i}`, From: from, To: '+15550000', Body: `part ${i}` };
        return t.app.inject({
          method: 'POST',
          url: path,
          payload: new URLSearchParams(form).toString(),
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature('tok-123456', `${PUBLIC_URL}${path}`, form),
          },
        });
      }),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    const cases = await call(t, admin, 'GET', `/api/v1/cases?type=sms&q=${encodeURIComponent(from)}`);
    expect(cases.data.total).toBe(1);
    const msgs = await call(t, admin, 'GET', `/api/v1/cases/${cases.data.cases[0].id}/messages`);
    expect(msgs.data.messages).toHaveLength(10);
  });

  it('the same user claiming many cases at once never exceeds maxOpenPerUser', async () => {
    const team = await makeTeam(t.db, 'Capacity');
    const busy = await makeUser(t.db, { role: 'agent', teamIds: [team] });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await call(t, admin, 'POST', '/api/v1/cases', { subject: `C${i}`, teamId: team })).data.id);
    await setOrganisation(t.db, { max_open_per_user: 3 });
    try {
      const results = await Promise.all([
        ...ids.map((id) => call(t, busy, 'POST', `/api/v1/cases/${id}/claim`)),
        ...Array.from({ length: 4 }, () => call(t, busy, 'POST', '/api/v1/me/work/claim-next')),
      ]);
      // A claim of a case one already owns (claim-next took it first) answers 200 and changes nothing.
      expect(new Set(results.filter((r) => r.statusCode === 200).map((r) => r.data.id)).size).toBe(3);
      expect(results.filter((r) => r.statusCode !== 200).every((r) => r.data.code === 'capacity_reached')).toBe(true);
      const mine = await call(t, busy, 'GET', '/api/v1/cases?ownerId=me');
      expect(mine.data.total).toBe(3);
    } finally {
      await setOrganisation(t.db, { max_open_per_user: null });
    }
  });

  it('ten concurrent creates with one Idempotency-Key make one case and all answer it', async () => {
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        payload: JSON.stringify({ subject: 'Once only', teamId: teamA }),
        headers: { ...agent.headers, 'content-type': 'application/json', 'idempotency-key': 'race-key-1' },
      });
    const answers = await Promise.all(Array.from({ length: 10 }, send));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    const list = await call(t, agent, 'GET', '/api/v1/cases?q=Once%20only');
    expect(list.data.total).toBe(1);
  });

  it('a reply whose lease ran out while an earlier send hung, and that another process sent, is not sent again', async () => {
    const provider = await holdingProvider();
    try {
      const ch = await call(t, admin, 'POST', '/api/v1/channels', {
        type: 'sms',
        name: 'Outbound SMS',
        teamId: teamA,
        settings: { accountSid: 'AC2', phoneNumber: '+15551111', authToken: 'tok-abcdef', apiBaseUrl: provider.url },
      });
      const minted = await call(t, admin, 'POST', '/api/v1/tokens', { name: 'sms integration', channelId: ch.data.id });
      const scoped = { id: admin.id, email: '', token: minted.data.token, headers: { authorization: `Bearer ${minted.data.token}` } };
      const c = await call(t, scoped, 'POST', '/api/v1/cases', { subject: 'Texting', teamId: teamA, customer: { phone: '+491701234567' } });
      expect(c.statusCode).toBe(201);
      for (const body of ['reply one', 'reply two']) {
        expect((await call(t, agent, 'POST', `/api/v1/cases/${c.data.id}/messages`, { body })).statusCode).toBe(201);
        clock.advance(1000);
      }
      const opts = readChannelOptions({}, '127.0.0.1', { smtp: null, httpTimeoutMs: 20_000 });
      const processA = deliverDueReplies({ ...t.deps, clock: fixedClock(clock.now()) }, opts);
      await provider.firstSeen;
      const later = new Date(clock.now().getTime() + 10 * 60_000);
      await deliverDueReplies({ ...t.deps, clock: fixedClock(later) }, opts);
      provider.release();
      await processA;
      const held = provider.bodies[0]!;
      const other = held === 'reply one' ? 'reply two' : 'reply one';
      expect(provider.bodies.filter((b) => b === other)).toEqual([other]);
      const rows = await t.db.kysely
        .selectFrom('outbound_messages')
        .select(['status', 'attempts'])
        .where('case_id', '=', c.data.id)
        .execute();
      expect(rows).toEqual([
        { status: 'sent', attempts: 2 },
        { status: 'sent', attempts: 2 },
      ]);
    } finally {
      await provider.close();
    }
  });
});
