import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, listenOnLoopback, startTestApp, type DbKind, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { openSse, type SseEvent, type SseStream } from '../test-support/sse-client.ts';
import { eventually } from '../test-support/eventually.ts';
import { HeardLog } from '../realtime/heard-log.ts';
import { EVENTS_CHANNEL } from '../outbox/notices.ts';

const about = (caseId: string, type?: string) => (e: SseEvent) => e.data?.caseId === caseId && (!type || e.event === type);

/** A user's event stream, open and ready (resuming after `lastEventId` when given); kept in `streams` to be closed. */
async function connectedStream(base: string, streams: SseStream[], user: TestUser, lastEventId?: string): Promise<SseStream> {
  const s = openSse(`${base}/api/v1/events`, { ...user.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
  streams.push(s);
  expect(await s.status).toBe(200);
  await s.next((e) => e.event === 'ready', 'ready');
  return s;
}

describe('HeardLog: which lower ids a resuming client has not been sent', () => {
  it('looks back from the last id seen to the lowest heard shortly before, naming the ones already sent', () => {
    const log = new HeardLog(60_000, 1000, 10_000);
    log.add(10n, 0);
    log.add(20n, 5_000); // heard 16 s before 25: outside the look-back
    log.add(22n, 20_000);
    log.add(25n, 21_000);
    log.add(21n, 22_000); // committed late, after 25 was heard
    expect(log.lookback(25n)).toEqual({ from: 21n, seen: [22n] });
    expect(log.lookback(22n)).toEqual({ from: 21n, seen: [] });
    expect(log.lookback(99n)).toBeNull();
  });

  it('forgets what it heard before its keeping time, so it stays bounded', () => {
    const log = new HeardLog(1000, 50, 500);
    for (let i = 1; i <= 5000; i++) log.add(BigInt(i), i);
    expect(log.lookback(1n)).toBeNull();
    expect(log.lookback(5000n)?.from).toBeGreaterThan(4000n);
  });
});

function rawStream(base: string, user: TestUser): Promise<net.Socket> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => {
      const auth = Object.entries(user.headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      s.write(`GET /api/v1/events HTTP/1.1\r\nHost: ${hostname}\r\naccept: text/event-stream\r\n${auth}\r\n`);
      s.once('data', () => {
        s.pause(); // never reads again
        resolve(s);
      });
    });
    s.on('error', reject);
  });
}

describe.each(DB_KINDS)('live streams under faults (%s)', (kind: DbKind) => {
  let t: TestApp;
  let o: Org;
  let base: string;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    t = await startTestApp(kind, { config: { liveBufferBytes: 16 * 1024 } });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => t.close());

  const connected = (user: TestUser, lastEventId?: string) => connectedStream(base, streams, user, lastEventId);

  it('a client that never reads is dropped once its backlog passes the limit; others keep hearing', async () => {
    const reader = await connected(o.agent2);
    const sleeper = await rawStream(base, o.agent);
    const before = t.deps.hub.dropped;
    const size = t.deps.hub.size;
    // Personal notices with long names: each becomes a large frame for every stream of the user.
    const long = 'x'.repeat(3000);
    const closed = new Promise<void>((r) => sleeper.once('close', () => r()));
    for (let round = 0; round < 40 && t.deps.hub.dropped === before; round++) {
      await sql`SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('caseId', '', 'ids', json_build_array('', ''),
          'types', json_build_array(${long} || i, ${long} || i), 'audience', json_build_object('teamIds', json_build_array(),
          'userIds', json_build_array(${o.agent.id}::text)), 'at', now(), 'personal', true)::text)
        FROM generate_series(${round * 50}::int, ${round * 50 + 49}::int) AS i`.execute(t.db.kysely);
      await new Promise((r) => setTimeout(r, 50));
    }
    await eventually(() => expect(t.deps.hub.dropped).toBeGreaterThan(before), 15_000);
    await eventually(() => expect(t.deps.hub.size).toBe(size - 1), 15_000);
    sleeper.resume();
    sleeper.destroy();
    await closed;
    const id = (await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'After the drop', teamId: o.teamA })).data.id as string;
    await reader.next(about(id, 'case.created'), 'the reading client still hears');
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^casework_live_clients_dropped_total [1-9]/m);
  });

  it('a stopping process: /readyz fails, and streams end with a reconnect hint', async () => {
    const s = await connected(o.agent);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    t.deps.state.draining = true;
    try {
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(503);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      t.deps.hub.closeAll(700);
      const hint = await s.next((e) => e.event === 'reconnect', 'reconnect');
      expect(hint.data).toEqual({ type: 'reconnect' });
    } finally {
      t.deps.state.draining = false;
    }
  });
});

describe.runIf(DB_KINDS.includes('postgres'))('resuming after a late commit (postgres)', () => {
  let t: TestApp;
  let o: Org;
  let base: string;
  beforeAll(async () => {
    // The replay alone: the sweep (below) would also tell the unannounced event, a second time.
    t = await startTestApp('postgres', { config: { liveSweepMs: 0 } });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
  });
  afterAll(() => t.close());

  it('an event whose id came before the last one seen, committed after the stream was lost, is replayed', async () => {
    const first = openSse(`${base}/api/v1/events`, o.agent.headers);
    await first.next((e) => e.event === 'ready', 'ready');
    const slow = (await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Slow writer', teamId: o.teamA })).data.id as string;
    await first.next(about(slow, 'case.created'), 'created');
    // A writer takes its event id, then commits only after a later event was seen and the stream lost.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let lateId = '';
    const writer = t.db.kysely.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('case_events')
        .values({ case_id: slow, type: 'case.message_created', actor_id: o.admin.id, data: '{}', created_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      lateId = String(row.id);
      await gate;
    });
    await eventually(() => expect(lateId).not.toBe(''));
    const later = (await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Quick writer', teamId: o.teamA })).data.id as string;
    const last = await first.next(about(later, 'case.created'), 'the later event');
    expect(BigInt(last.id!)).toBeGreaterThan(BigInt(lateId));
    first.close();
    release();
    await writer; // committed, never announced (as if its process died right after the commit)
    const again = openSse(`${base}/api/v1/events`, { ...o.agent.headers, 'last-event-id': last.id! });
    try {
      await again.next((e) => e.event === 'ready', 'ready');
      expect(again.events.filter((e) => e.id === lateId).map((e) => e.event)).toEqual(['case.message_created']);
      expect(again.events.filter((e) => e.id === last.id)).toEqual([]);
    } finally {
      again.close();
    }
  });
});

describe.runIf(DB_KINDS.includes('postgres'))('events committed but never announced (postgres)', () => {
  let t: TestApp;
  let o: Org;
  let base: string;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    t = await startTestApp('postgres', { config: { liveSweepMs: 200 } });
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => t.close());

  const connected = (user: TestUser) => connectedStream(base, streams, user);
  const quiet = () => new Promise((r) => setTimeout(r, 1000)); // five sweeps

  it('reach the connected streams that may see their case, late and once; announced events are not told twice', async () => {
    const teammate = await connected(o.agent);
    const outsider = await connected(o.agentB);
    const id = (await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Writer dies', teamId: o.teamA })).data.id as string;
    const created = await teammate.next(about(id, 'case.created'), 'the announced event');
    const late = t.deps.hub.late;
    // Committed, never announced: as if the writing process died right after its commit.
    const row = await t.db.kysely
      .insertInto('case_events')
      .values({ case_id: id, type: 'case.priority_changed', actor_id: o.admin.id, data: '{}', created_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const told = await teammate.next((e) => e.id === String(row.id), 'the unannounced event, late', 10_000);
    expect(told).toMatchObject({ event: 'case.priority_changed', data: { type: 'case.priority_changed', caseId: id } });
    await quiet();
    expect(teammate.events.filter((e) => e.id === String(row.id))).toHaveLength(1);
    expect(teammate.events.filter((e) => e.id === created.id)).toHaveLength(1);
    expect(t.deps.hub.late).toBe(late + 1);
    // Another team's agent hears neither.
    expect(outsider.events.filter((e) => e.data?.caseId === id)).toEqual([]);
    // Should its announcement still come (that late), it is not told again.
    await sql`SELECT pg_notify(${EVENTS_CHANNEL}, json_build_object('caseId', ${id}::text, 'ids', json_build_array(${String(row.id)}::text),
        'types', json_build_array('case.priority_changed'), 'audience', json_build_object('teamIds', json_build_array(${o.teamA}::text),
        'userIds', json_build_array()), 'at', now())::text)`.execute(t.db.kysely);
    const marker = (await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'After the late announcement', teamId: o.teamA })).data
      .id as string;
    await teammate.next(about(marker, 'case.created'), 'a later event');
    expect(teammate.events.filter((e) => e.id === String(row.id))).toHaveLength(1);
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^casework_live_events_late_total [1-9]/m);
  });

  it('leave out imports (announced without ids) and events older than the heard log keeps, and read past them', async () => {
    const teammate = await connected(o.agent);
    const late = t.deps.hub.late;
    const imported = await call(t, o.admin, 'POST', '/api/v1/import/cases', {
      cases: [{ subject: 'Imported', type: 'email', teamId: o.teamA, status: 'new', createdAt: new Date().toISOString() }],
    });
    expect(imported.statusCode).toBe(201);
    const caseId = imported.data.ids[0] as string;
    const event = async (at: Date) =>
      String(
        (
          await t.db.kysely
            .insertInto('case_events')
            .values({ case_id: caseId, type: 'case.priority_changed', actor_id: o.admin.id, data: '{}', created_at: at })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    const old = await event(new Date(Date.now() - 120_000));
    const fresh = await event(new Date());
    await teammate.next((e) => e.id === fresh, 'the fresh unannounced event, after the ones left out', 10_000);
    await quiet();
    expect(teammate.events.filter((e) => e.id === old)).toEqual([]);
    expect(teammate.events.filter((e) => e.event === 'case.imported' && e.id)).toEqual([]);
    expect(t.deps.hub.late).toBe(late + 1);
  });
});
