import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { runTimersOnce } from '../jobs/timers.ts';
import { sweepSla } from '../jobs/sla-sweep.ts';

/**
 * The SLA sweep (SPEC §12): creating, changing or deleting a policy, or changing a calendar a
 * policy counts in, brings every open case's clocks up to date with it through the timers, in
 * batches, going on after a stop from where it came to, once across processes; finished cases
 * keep theirs.
 */
const MIN = 60_000;
// Tuesday 2026-03-10 10:00 UTC = 11:00 in Berlin (CET)
const T0 = new Date('2026-03-10T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const iso = (minutes: number) => at(minutes).toISOString();

type Target = { kind: string; minutes: number; dueAt: string | null; state: string; breachedAt?: string };
type Sla = { policyId: string; targets: Target[] } | null;

describe.each(DB_KINDS)('SLA sweep after a policy or calendar change (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const clock = fixedClock(T0);

  const create = async (body: Record<string, unknown> = {}) => {
    const r = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Printer on fire', teamId: o.teamA, ...body });
    expect(r.statusCode, JSON.stringify(r.data)).toBe(201);
    return r.data.id as string;
  };
  const slaOf = async (id: string): Promise<Sla> => (await call(t, o.admin, 'GET', `/api/v1/cases/${id}`)).data.sla;
  const first = (s: Sla) => s?.targets.find((x) => x.kind === 'firstResponse');
  const breaches = async (ids: string[]) =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events
        WHERE type = 'case.sla_breached' AND case_id = ANY (${ids}::uuid[])`.execute(t.db.kysely)
    ).rows[0]!.n;
  const ok = (r: { statusCode: number; data: unknown }, status = 200) => {
    expect(r.statusCode, JSON.stringify(r.data)).toBe(status);
    return r.data as { id: string };
  };
  const sweepDone = async () =>
    (await sql<{ due: boolean }>`SELECT swept < requested AS due FROM sla_sweep`.execute(t.db.kysely)).rows[0]!.due === false;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it('a new policy, a changed one and a deleted one reach the open cases at the next timer run; finished cases keep their clocks', async () => {
    clock.set(T0);
    const open = [await create(), await create(), await create({ priority: 'urgent' })];
    const done = await create();
    ok(await call(t, o.admin, 'POST', `/api/v1/cases/${done}/cancel`, {}));
    expect(await slaOf(open[0]!)).toBeNull();

    // a policy created after the cases: nothing until the sweep, then every open case counts from its creation
    clock.set(at(10));
    const everyone = ok(
      await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'Everyone', targets: { firstResponse: 120 } }),
      201,
    ).id;
    expect(await slaOf(open[0]!)).toBeNull();
    expect((await runTimersOnce(t.deps)).slaSwept).toBeGreaterThanOrEqual(3);
    for (const id of open) expect(first(await slaOf(id))).toMatchObject({ minutes: 120, dueAt: iso(120), state: 'ok' });
    expect(await slaOf(done)).toBeNull();
    expect(await sweepDone()).toBe(true);

    // tightened past what has run: the due time moves and the breach is recorded once, at the old due time's place
    clock.set(at(40));
    ok(await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${everyone}`, { targets: { firstResponse: 30 } }));
    expect(first(await slaOf(open[0]!))).toMatchObject({ minutes: 120 });
    await runTimersOnce(t.deps);
    for (const id of open) expect(first(await slaOf(id))).toMatchObject({ minutes: 30, dueAt: iso(30), state: 'breached' });
    expect(await breaches(open)).toBe(3);
    await runTimersOnce(t.deps);
    expect(await breaches(open)).toBe(3);

    // a policy placed first for urgent cases takes that case over; deleting it hands it back
    const urgent = ok(
      await call(t, o.admin, 'POST', '/api/v1/sla-policies', {
        name: 'Urgent',
        position: 0,
        conditions: { priorities: ['urgent'] },
        targets: { firstResponse: 600 },
      }),
      201,
    ).id;
    await runTimersOnce(t.deps);
    expect((await slaOf(open[2]!))?.policyId).toBe(urgent);
    expect(first(await slaOf(open[2]!))).toMatchObject({ minutes: 600, dueAt: iso(600) });
    expect((await slaOf(open[0]!))?.policyId).toBe(everyone);
    ok(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${urgent}`), 204);
    await runTimersOnce(t.deps);
    expect((await slaOf(open[2]!))?.policyId).toBe(everyone);

    // deleting the last policy clears the open cases' clocks
    ok(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${everyone}`), 204);
    await runTimersOnce(t.deps);
    for (const id of open) expect(await slaOf(id)).toBeNull();
    await sql`DELETE FROM cases`.execute(t.db.kysely);
  });

  it('a changed calendar moves the due times of the cases whose policy counts in it', async () => {
    clock.set(T0);
    const office = ok(
      await call(t, o.admin, 'POST', '/api/v1/calendars', {
        name: 'Berlin office',
        timeZone: 'Europe/Berlin',
        hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      }),
      201,
    ).id;
    const policy = ok(
      await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'Office', targets: { firstResponse: 480 }, calendarId: office }),
      201,
    ).id;
    const id = await create();
    // 11:00 → 17:00 is 360 minutes, the other 120 run Wednesday from 09:00 (08:00 UTC)
    expect(first(await slaOf(id))?.dueAt).toBe('2026-03-11T10:00:00.000Z');
    // Wednesday becomes a holiday: due Thursday instead, once the sweep has run
    ok(await call(t, o.admin, 'PATCH', `/api/v1/calendars/${office}`, { holidays: ['2026-03-11'] }));
    expect(first(await slaOf(id))?.dueAt).toBe('2026-03-11T10:00:00.000Z');
    await runTimersOnce(t.deps);
    expect(first(await slaOf(id))?.dueAt).toBe('2026-03-12T10:00:00.000Z');
    ok(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${policy}`), 204);
    await runTimersOnce(t.deps);
    ok(await call(t, o.admin, 'DELETE', `/api/v1/calendars/${office}`), 204);
    await sql`DELETE FROM cases`.execute(t.db.kysely);
  });

  it('goes a batch per transaction, goes on after a stop from where it came to, and starts again when a change comes meanwhile', async () => {
    clock.set(T0);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await create());
    const withClocks = async () =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE sla IS NOT NULL AND id = ANY (${ids}::uuid[])`.execute(
          t.db.kysely,
        )
      ).rows[0]!.n;
    const policy = ok(await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'All', targets: { firstResponse: 60 } }), 201).id;
    // the process stops after one batch of 3: those 3 are swept, the place is kept
    expect(await sweepSla(t.deps, { maxBatches: 1, batch: 3 })).toMatchObject({ cases: 3, pending: true });
    expect(await withClocks()).toBe(3);
    const place = (await sql<{ after_id: string }>`SELECT after_id::text AS after_id FROM sla_sweep`.execute(t.db.kysely)).rows[0]!
      .after_id;
    expect(place).toBe([...ids].sort()[2]);
    // another process goes on from there
    expect(await sweepSla(t.deps, { maxBatches: 1, batch: 3 })).toMatchObject({ cases: 3, pending: true });
    expect(await withClocks()).toBe(6);
    // a change meanwhile starts the walk again from the first case, with the new targets
    ok(await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${policy}`, { targets: { firstResponse: 90 } }));
    expect((await sql<{ after_id: string | null }>`SELECT after_id FROM sla_sweep`.execute(t.db.kysely)).rows[0]!.after_id).toBeNull();
    expect(await sweepSla(t.deps, { batch: 3 })).toMatchObject({ cases: 7, pending: false });
    for (const id of ids) expect(first(await slaOf(id))).toMatchObject({ minutes: 90, dueAt: iso(90) });
    ok(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${policy}`), 204);
    await runTimersOnce(t.deps);
    await sql`DELETE FROM cases`.execute(t.db.kysely);
  });

  it('bad input changes nothing and asks for no sweep', async () => {
    const before = (await sql<{ requested: string }>`SELECT requested::text AS requested FROM sla_sweep`.execute(t.db.kysely)).rows[0]!
      .requested;
    expect((await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'Bad', targets: { firstResponse: 0 } })).statusCode).toBe(400);
    const after = (await sql<{ requested: string }>`SELECT requested::text AS requested FROM sla_sweep`.execute(t.db.kysely)).rows[0]!
      .requested;
    expect(after).toBe(before);
  });

  it.runIf(kind === 'postgres')('two processes sweeping at once: each case swept, each breach recorded once', async () => {
    clock.set(T0);
    const b = await startTestApp('postgres', { clock, poolSize: 8, attachTo: t.databaseUrl });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push(await create());
      clock.set(at(45));
      const policy = ok(await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'All', targets: { firstResponse: 30 } }), 201).id;
      const runs = await Promise.all([
        sweepSla(t.deps, { batch: 4 }),
        sweepSla(b.deps, { batch: 4 }),
        sweepSla(t.deps, { batch: 4 }),
        sweepSla(b.deps, { batch: 4 }),
      ]);
      // whoever went last found nothing left; together they walked the open cases once or more, each breach recorded once
      while (!(await sweepDone())) await sweepSla(b.deps, { batch: 4 });
      expect(runs.reduce((n, r) => n + r.cases, 0)).toBeGreaterThanOrEqual(30);
      expect(await breaches(ids)).toBe(30);
      for (const id of ids) expect(first(await slaOf(id))).toMatchObject({ state: 'breached', breachedAt: iso(30) });
      ok(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${policy}`), 204);
      await runTimersOnce(t.deps);
    } finally {
      await b.close();
    }
  });
});
