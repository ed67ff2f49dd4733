import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_RANK } from '@casework/domain';
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
import { runTimersOnce } from '../jobs/timers.ts';
import { newReference, uuidv7 } from '../ids.ts';
import type { Db } from '../db/connect.ts';

const T0 = new Date('2026-03-10T09:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type Ev = { type: string; actorId: string | null; data: Record<string, unknown> };

async function eventsOf(t: TestApp, user: TestUser, id: string): Promise<Ev[]> {
  const r = await call(t, user, 'GET', `/api/v1/cases/${id}/events`);
  expect(r.statusCode).toBe(200);
  return r.data.events;
}

const statusChanges = (events: Ev[]) => events.filter((e) => e.type === 'case.status_changed');

/** Inserts cases straight into the table (many at once, faster than the API). */
async function insertCases(
  db: Db,
  teamId: string,
  ownerId: string,
  rows: { status: 'waiting' | 'resolved'; at: Date }[],
): Promise<string[]> {
  const values = rows.map((r) => ({
    id: uuidv7(),
    reference: newReference(),
    subject: 'Timer case',
    description: null,
    type: 'email',
    type_rank: TYPE_RANK.email,
    status: r.status,
    resolution: r.status === 'resolved' ? 'completed' : null,
    team_id: teamId,
    owner_id: ownerId,
    customer_id: null,
    follow_up_of: null,
    rating_stars: null,
    rating_note: null,
    created_at: new Date(T0.getTime() - DAY),
    updated_at: T0,
    last_activity_at: r.status === 'resolved' ? r.at : T0,
    resolved_at: r.status === 'resolved' ? r.at : null,
    wake_at: r.status === 'waiting' ? r.at : null,
  }));
  for (let i = 0; i < values.length; i += 200)
    await db.kysely
      .insertInto('cases')
      .values(values.slice(i, i + 200))
      .execute();
  return values.map((v) => v.id);
}

async function statusCounts(db: Db, ids: string[]): Promise<Record<string, number>> {
  const rows = await db.kysely.selectFrom('cases').select(['status']).where('id', 'in', ids).execute();
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe.each(DB_KINDS)('timers (%s)', (kind) => {
  let t: TestApp;
  let clock: ReturnType<typeof fixedClock>;
  let team: string;
  let agent: TestUser;

  beforeAll(async () => {
    clock = fixedClock(T0);
    t = await startTestApp(kind, { clock });
    team = await makeTeam(t.db, 'Support');
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team] });
  });
  afterAll(() => t?.close());

  async function ownedCase(): Promise<string> {
    const r = await call(t, agent, 'POST', '/api/v1/cases', { subject: 'Refund please', teamId: team, ownerId: agent.id, type: 'email' });
    expect(r.statusCode).toBe(201);
    return r.data.id;
  }

  it('a waiting case wakes at its wake time, not before, once, with a wake_time_reached event by nobody', async () => {
    clock.set(T0);
    const id = await ownedCase();
    const wakeAt = new Date(T0.getTime() + 2 * HOUR);
    expect((await call(t, agent, 'POST', `/api/v1/cases/${id}/wait`, { wakeAt: wakeAt.toISOString() })).statusCode).toBe(200);

    clock.set(new Date(wakeAt.getTime() - 1000));
    await runTimersOnce(t.deps);
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.status).toBe('waiting');

    clock.set(wakeAt);
    expect((await runTimersOnce(t.deps)).woken).toBeGreaterThanOrEqual(1);
    const after = await call(t, agent, 'GET', `/api/v1/cases/${id}`);
    expect(after.data.status).toBe('ready');
    expect(after.data.wakeAt).toBeNull();
    const woke = statusChanges(await eventsOf(t, agent, id)).filter((e) => e.data.reason === 'wake_time_reached');
    expect(woke).toHaveLength(1);
    expect(woke[0]!.actorId).toBeNull();
    expect(woke[0]!.data).toMatchObject({ from: 'waiting', to: 'ready' });

    clock.advance(HOUR);
    await runTimersOnce(t.deps);
    expect(statusChanges(await eventsOf(t, agent, id)).filter((e) => e.data.reason === 'wake_time_reached')).toHaveLength(1);
  });

  it('a waiting case without a wake time never wakes by itself', async () => {
    clock.set(T0);
    const id = await ownedCase();
    expect((await call(t, agent, 'POST', `/api/v1/cases/${id}/wait`, {})).statusCode).toBe(200);
    clock.set(new Date(T0.getTime() + 400 * DAY));
    await runTimersOnce(t.deps);
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.status).toBe('waiting');
  });

  it('a resolved case closes after auto_close_days without activity; a message starts the period again', async () => {
    await setOrganisation(t.db, { auto_close_days: 3 });
    clock.set(T0);
    const id = await ownedCase();
    expect((await call(t, agent, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' })).statusCode).toBe(200);

    clock.set(new Date(T0.getTime() + 2 * DAY));
    expect((await call(t, agent, 'POST', `/api/v1/cases/${id}/messages`, { body: 'Anything else we can do?' })).statusCode).toBeLessThan(
      300,
    );
    const messagedAt = clock.now().getTime();

    clock.set(new Date(T0.getTime() + 3 * DAY + HOUR)); // 3 days after resolving, but only 1 day after the message
    await runTimersOnce(t.deps);
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.status).toBe('resolved');

    clock.set(new Date(messagedAt + 3 * DAY - 1000));
    await runTimersOnce(t.deps);
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.status).toBe('resolved');

    clock.set(new Date(messagedAt + 3 * DAY));
    expect((await runTimersOnce(t.deps)).closed).toBeGreaterThanOrEqual(1);
    expect((await call(t, agent, 'GET', `/api/v1/cases/${id}`)).data.status).toBe('closed');
    const closed = statusChanges(await eventsOf(t, agent, id)).filter((e) => e.data.to === 'closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ actorId: null, data: { from: 'resolved', to: 'closed', reason: 'auto_closed' } });
    await setOrganisation(t.db, { auto_close_days: 14 });
  });

  it('catches up after downtime: every overdue timer fires in one run (more than one batch)', async () => {
    clock.set(T0);
    const waiting = await insertCases(
      t.db,
      team,
      agent.id,
      Array.from({ length: 230 }, (_, i) => ({ status: 'waiting' as const, at: new Date(T0.getTime() + i * MIN) })),
    );
    const resolved = await insertCases(
      t.db,
      team,
      agent.id,
      Array.from({ length: 5 }, (_, i) => ({ status: 'resolved' as const, at: new Date(T0.getTime() - i * DAY) })),
    );
    const notYet = await insertCases(t.db, team, agent.id, [
      { status: 'waiting', at: new Date(T0.getTime() + 60 * DAY) },
      { status: 'resolved', at: new Date(T0.getTime() + 50 * DAY) },
    ]);

    clock.set(new Date(T0.getTime() + 30 * DAY)); // the server was down for a month
    const r = await runTimersOnce(t.deps);
    expect(r.woken).toBeGreaterThanOrEqual(230);
    expect(r.closed).toBeGreaterThanOrEqual(5);
    expect(await statusCounts(t.db, waiting)).toEqual({ ready: 230 });
    expect(await statusCounts(t.db, resolved)).toEqual({ closed: 5 });
    expect(await statusCounts(t.db, notYet)).toEqual({ waiting: 1, resolved: 1 });
    expect(await runTimersOnce(t.deps)).toEqual({ woken: 0, closed: 0, breached: 0, spamDeleted: 0, slaSwept: 0 });
  });
});

describe.skipIf(!DB_KINDS.includes('postgres'))('timers never fire twice with two server processes (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  const clock = fixedClock(T0);

  beforeAll(async () => {
    a = await startTestApp('postgres', { clock, poolSize: 8 });
    // The second process's sessions run in a zone with daylight saving (as a server's default may be).
    await sql.raw(`ALTER DATABASE ${new URL(a.databaseUrl!).pathname.slice(1)} SET timezone TO 'Europe/Berlin'`).execute(a.db.kysely);
    b = await startTestApp('postgres', { clock, poolSize: 8, attachTo: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('auto-close counts days of 24 hours whatever the session zone (no hour late across a DST switch)', async () => {
    const team = await makeTeam(a.db, 'Zones');
    const agent = await makeUser(a.db, { role: 'agent', teamIds: [team] });
    const lastActivity = new Date('2026-10-20T12:00:00Z'); // Berlin leaves summer time on 25 October
    const [id] = await insertCases(a.db, team, agent.id, [{ status: 'resolved', at: lastActivity }]);
    clock.set(new Date(lastActivity.getTime() + 14 * DAY - 1000));
    await runTimersOnce(b.deps);
    expect(await statusCounts(a.db, [id!])).toEqual({ resolved: 1 });
    clock.set(new Date(lastActivity.getTime() + 14 * DAY));
    expect((await runTimersOnce(b.deps)).closed).toBe(1);
    expect(await statusCounts(a.db, [id!])).toEqual({ closed: 1 });
  });

  it('two apps on one database running the timers at once: exactly one status change per case', async () => {
    const team = await makeTeam(a.db, 'Support');
    const agent = await makeUser(a.db, { role: 'agent', teamIds: [team] });
    const waiting = await insertCases(
      a.db,
      team,
      agent.id,
      Array.from({ length: 120 }, (_, i) => ({ status: 'waiting' as const, at: new Date(T0.getTime() + (i % 60) * MIN) })),
    );
    const resolved = await insertCases(
      a.db,
      team,
      agent.id,
      Array.from({ length: 60 }, (_, i) => ({ status: 'resolved' as const, at: new Date(T0.getTime() - 14 * DAY + (i % 60) * MIN) })),
    );

    let woken = 0;
    let closed = 0;
    for (let round = 0; round <= 12; round++) {
      clock.set(new Date(T0.getTime() + round * 5 * MIN));
      const runs = await Promise.all([a, b, a, b].map((app) => runTimersOnce(app.deps)));
      for (const r of runs) {
        woken += r.woken;
        closed += r.closed;
      }
    }
    expect(woken).toBe(120);
    expect(closed).toBe(60);
    expect(await statusCounts(a.db, waiting)).toEqual({ ready: 120 });
    expect(await statusCounts(a.db, resolved)).toEqual({ closed: 60 });

    const rows = await a.db.kysely
      .selectFrom('case_events')
      .select(['case_id', 'type', 'actor_id'])
      .where('case_id', 'in', [...waiting, ...resolved])
      .execute();
    const perCase = new Map<string, number>();
    for (const r of rows) {
      expect(r.type).toBe('case.status_changed');
      expect(r.actor_id).toBeNull();
      perCase.set(r.case_id, (perCase.get(r.case_id) ?? 0) + 1);
    }
    expect(perCase.size).toBe(180);
    expect([...perCase.values()].every((n) => n === 1)).toBe(true);
  });
});
