import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CASE_TYPES, pickNext, reconcileSla, type CaseType, type Candidate } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { prng, seedCase } from '../test-support/case-fixtures.ts';
import { writeSla } from '../db/repos/sla.ts';
import { expectForbidden, expectInvalid } from './admin-support.ts';

/**
 * The SLA guard for Next Unassigned (SPEC §12, organisation setting `slaGuard`): with it on, a
 * queued case whose first response is due soon or breached is offered (My Work) and claimed
 * (claim-next, with and without an open-case limit) before the §3.1 order, the most urgent
 * first, with a reason saying so; off, §3.1 holds. The SQL functions are held to the domain's
 * pickNext on generated queues.
 */
const at = (iso: string) => new Date(iso);
const MIN = 60_000;
const NOW = at('2026-03-10T12:00:00Z');

describe.each(DB_KINDS)('SLA guard for Next Unassigned (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let admin: TestUser, agent: TestUser;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    team = await makeTeam(t.db, 'Support');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team], timeZone: 'UTC' });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team], timeZone: 'UTC' });
  });
  afterAll(() => t.close());

  /** A queued case with a first-response target of `minutes` (none: no clocks), its clocks as the write path keeps them. */
  const queued = async (type: CaseType, createdAt: Date, minutes?: number) => {
    const id = await seedCase(t.db, { teamId: team, type, createdAt });
    if (minutes) {
      const policy = { id: 'p', calendarId: null, targets: { firstResponse: minutes } };
      const facts = { status: 'new' as const, createdAt, firstResponseAt: null, awaitingReplySince: null, solved: false };
      const { record } = reconcileSla(null, facts, policy, null, createdAt);
      await writeSla(t.db.kysely, id, record, 'new');
    }
    return id;
  };
  const clearQueue = () => sql`DELETE FROM cases`.execute(t.db.kysely);
  const guard = async (on: boolean) =>
    expect((await call(t, admin, 'PATCH', '/api/v1/organisation', { slaGuard: on })).statusCode).toBe(200);
  const next = async (user = agent) => {
    const r = await call(t, user, 'GET', '/api/v1/me/work');
    expect(r.statusCode, r.body).toBe(200);
    return r.data.next as { case: { id: string }; reason: string } | null;
  };

  it('is off by default; only an administrator turns it on; a bad value is refused naming the field', async () => {
    expect((await call(t, agent, 'GET', '/api/v1/organisation')).data.slaGuard).toBe(false);
    expectInvalid(await call(t, admin, 'PATCH', '/api/v1/organisation', { slaGuard: 'yes' }), 'slaGuard');
    expectForbidden(await call(t, agent, 'PATCH', '/api/v1/organisation', { slaGuard: true }), 'admin.users');
    expect((await call(t, agent, 'GET', '/api/v1/organisation')).data.slaGuard).toBe(false);
    await guard(true);
    expect((await call(t, agent, 'GET', '/api/v1/organisation')).data.slaGuard).toBe(true);
    await guard(false);
  });

  it('off, §3.1 holds; on, the breached case comes first, then the due-soon one, then §3.1, and claim-next takes them in that order', async () => {
    await clearQueue();
    const fresh = await queued('web_connect', at('2026-03-10T11:50:00Z'), 60); // due 12:50, due soon from 12:38
    const breached = await queued('sms', at('2026-03-09T10:00:00Z'), 60); // yesterday: breached
    const soon = await queued('email', at('2026-03-10T11:10:00Z'), 60); // due 12:10: due soon since 11:58
    await queued('email', at('2026-03-10T09:00:00Z')); // no target

    const off = await next();
    expect(off!.case.id).toBe(fresh);
    expect(off!.reason).toBe('Web chat · newest of 3 created today');

    await guard(true);
    const on = await next();
    expect(on).toMatchObject({ case: { id: breached }, reason: 'SMS · first response breached · most urgent of 2' });
    const first = await call(t, agent, 'POST', '/api/v1/me/work/claim-next');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.data.id).toBe(breached);
    expect(await next()).toMatchObject({ case: { id: soon }, reason: 'Email · first response due soon' });
    expect((await call(t, agent, 'POST', '/api/v1/me/work/claim-next')).data.id).toBe(soon);
    // Nothing urgent left: §3.1 again.
    expect(await next()).toMatchObject({ case: { id: fresh }, reason: 'Web chat · newest of 2 created today' });
    // Time passes: the fresh case becomes due soon; its reason says so.
    clock.set(at('2026-03-10T12:40:00Z'));
    try {
      expect(await next()).toMatchObject({ case: { id: fresh }, reason: 'Web chat · first response due soon' });
    } finally {
      clock.set(NOW);
      await guard(false);
    }
  });

  it('claim-next under an open-case limit takes the guarded case too', async () => {
    await clearQueue();
    const fresh = await queued('web_connect', at('2026-03-10T11:50:00Z'), 60);
    const breached = await queued('sms', at('2026-03-09T10:00:00Z'), 60);
    expect((await call(t, admin, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: 50, slaGuard: true })).statusCode).toBe(200);
    try {
      const r = await call(t, agent, 'POST', '/api/v1/me/work/claim-next');
      expect(r.statusCode, r.body).toBe(200);
      expect(r.data.id).toBe(breached);
      await guard(false);
      expect((await call(t, agent, 'POST', '/api/v1/me/work/claim-next')).data.id).toBe(fresh);
    } finally {
      expect((await call(t, admin, 'PATCH', '/api/v1/organisation', { maxOpenPerUser: null, slaGuard: false })).statusCode).toBe(200);
    }
  });

  it("My Work's pick and claim-next agree with the domain's pickNext, guard on and off, on generated queues", async () => {
    const rand = prng(kind === 'pglite' ? 36 : 63);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let guarded = 0;
    for (let round = 0; round < 16; round++) {
      await clearQueue();
      const on = round % 4 !== 3;
      await guard(on);
      const now = new Date(NOW.getTime() + Math.floor(rand() * 600) * MIN);
      clock.set(now);
      const candidates: Candidate[] = [];
      for (let i = 0; i < 2 + Math.floor(rand() * 8); i++) {
        const createdAt = new Date(now.getTime() - Math.floor(rand() * 36 * 60) * MIN);
        const minutes = rand() < 0.7 ? 30 + Math.floor(rand() * 600) : undefined;
        const id = await queued(pick(CASE_TYPES), createdAt, minutes);
        const row = await t.db.kysely
          .selectFrom('cases')
          .select(['type', 'sla_first_soon_at', 'sla_first_due_at'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        candidates.push({
          id,
          type: row.type as CaseType,
          createdAt,
          firstResponseSoonAt: row.sla_first_soon_at,
          firstResponseDueAt: row.sla_first_due_at,
        });
      }
      const want = pickNext(candidates, 'UTC', now, { slaGuard: on })!;
      if (want.guarded) guarded++;
      expect(await next(), `round ${round}`).toMatchObject({ case: { id: want.case.id }, reason: want.reason });
      const claimed = await call(t, agent, 'POST', '/api/v1/me/work/claim-next');
      expect(claimed.data.id, `round ${round}`).toBe(want.case.id);
    }
    clock.set(NOW);
    await guard(false);
    expect(guarded, 'the guard decided some rounds').toBeGreaterThan(3);
  });
});
