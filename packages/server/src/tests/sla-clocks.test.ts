import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { runTimersOnce } from '../jobs/timers.ts';
import { inTransaction } from '../outbox/outbox.ts';
import { insertMessage } from '../use-cases/post-message.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import * as resolutionTargetSolved from '../db/migrations/046-resolution-target-solved.ts';

const MIN = 60_000;
// Tuesday 2026-03-10 10:00 UTC = 11:00 in Berlin (CET)
const T0 = new Date('2026-03-10T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const iso = (minutes: number) => at(minutes).toISOString();

type Target = {
  kind: string;
  minutes: number;
  dueAt: string | null;
  state: string;
  pausedAt?: string;
  metAt?: string;
  breachedAt?: string;
};

describe.each(DB_KINDS)('SLA clocks on cases and the breach timer (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const clock = fixedClock(T0);
  let office: string;
  let urgentA: string;
  let everyone: string;

  const create = async (body: Record<string, unknown>, user: TestUser = o.admin) => {
    const r = await call(t, user, 'POST', '/api/v1/cases', { subject: 'Printer on fire', teamId: o.teamA, ...body });
    expect(r.statusCode, JSON.stringify(r.data)).toBe(201);
    return r.data;
  };
  const get = async (id: string, user: TestUser = o.admin) => {
    const r = await call(t, user, 'GET', `/api/v1/cases/${id}`);
    expect(r.statusCode).toBe(200);
    return r.data;
  };
  const target = (c: { sla: { targets: Target[] } }, k: string) => c.sla.targets.find((x) => x.kind === k)!;
  const act = async (id: string, path: string, body: object = {}, user: TestUser = o.admin) => {
    const r = await call(t, user, 'POST', `/api/v1/cases/${id}/${path}`, body);
    expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
    return r.data;
  };
  const breachEvents = async (id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.filter(
      (e: { type: string }) => e.type === 'case.sla_breached',
    );
  /** A webhook (to a closed port) subscribed to breaches; its deliveries stay queued for the test to read. */
  const breachHook = async (name: string) => {
    const hook = await call(t, o.admin, 'POST', '/api/v1/webhooks', {
      url: `http://127.0.0.1:9/${name}`,
      events: ['case.sla_breached'],
      secret: `whsec-${name}-0123456789`,
    });
    expect(hook.statusCode, JSON.stringify(hook.data)).toBe(201);
    return hook;
  };
  const customerWrites = async (id: string) => {
    const view = (await findCaseView(t.db.kysely, id))!;
    await inTransaction(t.deps, (trx) =>
      insertMessage(
        trx,
        view,
        { body: 'Any news?', internal: false, direction: 'inbound', channel: 'email', authorId: null, createdAt: clock.now() },
        clock.now(),
      ),
    );
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    o = await makeOrg(t);
    office = (
      await call(t, o.admin, 'POST', '/api/v1/calendars', {
        name: 'Berlin office',
        timeZone: 'Europe/Berlin',
        hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
        holidays: ['2026-03-11'],
      })
    ).data.id;
    urgentA = (
      await call(t, o.admin, 'POST', '/api/v1/sla-policies', {
        name: 'Urgent on team A',
        conditions: { priorities: ['urgent'], teamIds: [o.teamA] },
        targets: { firstResponse: 60, nextResponse: 30, resolution: 480 },
        calendarId: office,
      })
    ).data.id;
    everyone = (await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'Everyone', targets: { firstResponse: 120 } })).data.id;
  });
  afterAll(() => t.close());

  it('applies the first matching policy when a case is created, with due times in business hours', async () => {
    clock.set(T0);
    const c = await create({ priority: 'urgent' });
    expect(c.sla.policyId).toBe(urgentA);
    expect(c.sla.targets.map((x: Target) => x.kind)).toEqual(['firstResponse', 'resolution']); // nothing awaits a next answer yet
    expect(target(c, 'firstResponse')).toMatchObject({ minutes: 60, dueAt: iso(60), state: 'ok' });
    // 11:00 → 17:00 is 360 minutes; Wednesday is a holiday; the other 120 run Thursday from 09:00 (08:00 UTC)
    expect(target(c, 'resolution')).toMatchObject({ minutes: 480, dueAt: '2026-03-12T10:00:00.000Z', state: 'ok' });
    const plain = await create({});
    expect(plain.sla.policyId).toBe(everyone);
    expect(target(plain, 'firstResponse').dueAt).toBe(iso(120));
    // states follow the server's clock
    clock.set(at(50));
    expect(target(await get(c.id), 'firstResponse').state).toBe('due_soon');
    clock.set(T0);
  });

  it('a data change re-matches the policy; a claim leaves the clocks as they were', async () => {
    clock.set(T0);
    const c = await create({ priority: 'urgent' });
    const before = (await sql<{ sla: unknown }>`SELECT sla FROM cases WHERE id = ${c.id}::uuid`.execute(t.db.kysely)).rows[0]!.sla;
    clock.set(at(5));
    await act(c.id, 'claim', {}, o.agent);
    const after = (await sql<{ sla: unknown }>`SELECT sla FROM cases WHERE id = ${c.id}::uuid`.execute(t.db.kysely)).rows[0]!.sla;
    expect(after).toEqual(before);
    clock.set(at(10));
    const low = await call(t, o.admin, 'PATCH', `/api/v1/cases/${c.id}`, { priority: 'low' });
    expect(low.data.sla.policyId).toBe(everyone);
    // the business time so far (10 minutes) counts toward the new policy's 120
    expect(target(await get(c.id), 'firstResponse')).toMatchObject({ minutes: 120, dueAt: iso(120) });
    clock.set(T0);
  });

  it('waiting pauses the clocks; waking resumes them with what was left; a reply meets the first response', async () => {
    clock.set(T0);
    const c = await create({ priority: 'urgent', ownerId: o.agent.id });
    clock.set(at(20));
    const waiting = await act(c.id, 'wait', {}, o.agent);
    expect(target(waiting, 'firstResponse')).toMatchObject({ dueAt: null, pausedAt: iso(20), state: 'ok' });
    clock.set(at(200));
    const woken = await act(c.id, 'wake', {}, o.agent);
    // 40 minutes were left; 200 minutes after 11:00 is 14:20 Berlin, still open
    expect(target(woken, 'firstResponse')).toMatchObject({ dueAt: iso(240), state: 'ok' });
    expect(target(woken, 'firstResponse').pausedAt).toBeUndefined();
    clock.set(at(210));
    const replied = await call(t, o.agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'On it.' });
    expect(replied.statusCode).toBe(201);
    const met = target(await get(c.id), 'firstResponse');
    expect(met).toMatchObject({ dueAt: null, metAt: iso(210), state: 'ok' });
    // an internal note changes nothing; the customer writing starts the next-response clock
    clock.set(at(220));
    await customerWrites(c.id);
    expect(target(await get(c.id), 'nextResponse')).toMatchObject({ minutes: 30, dueAt: iso(250), state: 'ok' });
    clock.set(at(230));
    await call(t, o.agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Fixed.' });
    expect(target(await get(c.id), 'nextResponse')).toMatchObject({ dueAt: null, metAt: iso(230) });
    // resolving stops the resolution clock
    clock.set(at(240));
    const resolved = await act(c.id, 'resolve', { resolution: 'completed' }, o.agent);
    expect(target(resolved, 'resolution')).toMatchObject({ dueAt: null, metAt: iso(240), state: 'ok' });
    clock.set(T0);
  });

  it('records a breach once, as history, webhook delivery and a notification to the owner, across concurrent timer runs', async () => {
    clock.set(T0);
    const hook = await breachHook('sla');
    const c = await create({ priority: 'urgent', ownerId: o.agent.id });
    await act(c.id, 'follow', {}, o.agent2);
    clock.set(at(59));
    await runTimersOnce(t.deps);
    expect(await breachEvents(c.id)).toEqual([]);
    // the server was down past the due time: the next run catches up, two processes record it once
    clock.set(at(90));
    await Promise.all([runTimersOnce(t.deps), runTimersOnce(t.deps), runTimersOnce(t.deps)]);
    await runTimersOnce(t.deps);
    const events = await breachEvents(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: null, data: { kind: 'firstResponse', dueAt: iso(60), minutes: 60, policyId: urgentA } });
    const view = await get(c.id);
    expect(target(view, 'firstResponse')).toMatchObject({ state: 'breached', breachedAt: iso(60) });
    const deliveries = await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries
      WHERE case_id = ${c.id}::uuid AND event_type = 'case.sla_breached'`.execute(t.db.kysely);
    expect(deliveries.rows[0]!.n).toBe(1);
    const told = await sql<{ user_id: string }>`SELECT user_id::text AS user_id FROM notifications
      WHERE case_id = ${c.id}::uuid AND type = 'case.sla_breached' ORDER BY user_id`.execute(t.db.kysely);
    expect(told.rows.map((r) => r.user_id).sort()).toEqual([o.agent.id, o.agent2.id].sort());
    // a reply afterwards meets the target late: it stays breached, nothing is recorded again
    clock.set(at(100));
    await call(t, o.agent, 'POST', `/api/v1/cases/${c.id}/messages`, { body: 'Sorry for the wait.' });
    await runTimersOnce(t.deps);
    expect(await breachEvents(c.id)).toHaveLength(1);
    expect(target(await get(c.id), 'firstResponse')).toMatchObject({ state: 'breached', metAt: iso(100) });
    await call(t, o.admin, 'DELETE', `/api/v1/webhooks/${hook.data.id}`);
    clock.set(T0);
  });

  it("tells the team's supervisors when nobody owns the case, and never users who may not see it", async () => {
    clock.set(T0);
    const c = await create({ priority: 'urgent' });
    clock.set(at(61));
    await runTimersOnce(t.deps);
    const told = await sql<{ user_id: string }>`SELECT user_id::text AS user_id FROM notifications
      WHERE case_id = ${c.id}::uuid AND type = 'case.sla_breached'`.execute(t.db.kysely);
    // admin and supervisor are team A's members whose role assigns cases; agents and team B are not told
    expect(told.rows.map((r) => r.user_id).sort()).toEqual([o.admin.id, o.supervisor.id].sort());
    const bell = await call(t, o.supervisor, 'GET', '/api/v1/me/notifications');
    expect(bell.data.notifications.find((n: { caseId: string }) => n.caseId === c.id)).toMatchObject({ type: 'case.sla_breached' });
    clock.set(T0);
  });

  it("one timer run records many cases' breaches, each once, with its own deliveries and recipients (owned, unowned, other team, two targets at once)", async () => {
    clock.set(T0);
    const hook = await breachHook('sla-batch');
    const owned = await create({ priority: 'urgent', ownerId: o.agent.id });
    const unowned = await create({ priority: 'urgent' });
    const otherTeam = await create({ priority: 'normal', teamId: o.teamB });
    const ownedNormal = await create({ priority: 'normal', ownerId: o.agent2.id });
    // three days later: the urgent cases' first response and resolution have both breached, the others' first response
    clock.set(at(3 * 24 * 60));
    await runTimersOnce(t.deps);
    await runTimersOnce(t.deps);
    const kinds = async (id: string) => (await breachEvents(id)).map((e: { data: { kind: string } }) => e.data.kind).sort();
    expect(await kinds(owned.id)).toEqual(['firstResponse', 'resolution']);
    expect(await kinds(unowned.id)).toEqual(['firstResponse', 'resolution']);
    expect(await kinds(otherTeam.id)).toEqual(['firstResponse']);
    expect(await kinds(ownedNormal.id)).toEqual(['firstResponse']);
    for (const c of [owned, unowned, otherTeam, ownedNormal]) {
      const events = await breachEvents(c.id);
      const deliveries = await sql<{ event_id: string; case_id: string; actor: string | null; created_at: Date }>`SELECT
          event_id::text AS event_id, data->>'caseId' AS case_id, data->>'actorId' AS actor, created_at
        FROM webhook_deliveries WHERE webhook_id = ${hook.data.id}::uuid AND case_id = ${c.id}::uuid`.execute(t.db.kysely);
      expect(deliveries.rows.map((d) => d.event_id).sort()).toEqual(events.map((e: { id: string }) => String(e.id)).sort());
      for (const d of deliveries.rows) {
        expect(d).toMatchObject({ case_id: c.id, actor: null });
        expect(new Date(d.created_at).toISOString()).toBe(at(3 * 24 * 60).toISOString());
      }
    }
    const told = async (id: string) =>
      [
        ...new Set(
          (
            await sql<{ user_id: string }>`SELECT user_id::text AS user_id FROM notifications
              WHERE case_id = ${id}::uuid AND type = 'case.sla_breached'`.execute(t.db.kysely)
          ).rows.map((r) => r.user_id),
        ),
      ].sort();
    expect(await told(owned.id)).toEqual([o.agent.id]);
    expect(await told(unowned.id)).toEqual([o.admin.id, o.supervisor.id].sort());
    // team B has no member whose role assigns cases, and team A's supervisors may not see it
    expect(await told(otherTeam.id)).toEqual([]);
    expect(await told(ownedNormal.id)).toEqual([o.agent2.id]);
    await call(t, o.admin, 'DELETE', `/api/v1/webhooks/${hook.data.id}`);
    clock.set(T0);
  });

  it('a case finished without a reply: its first response counts as neither met nor breached, breached when it was past due; reopening runs it again', async () => {
    const outcomes = async (id: string) =>
      (
        await sql<{ first: string | null; resolution: string | null }>`SELECT sla_first_outcome AS first,
          sla_resolution_outcome AS resolution FROM cases WHERE id = ${id}::uuid`.execute(t.db.kysely)
      ).rows[0];
    // Everyone's policy: a first response of 120 minutes, always open, no resolution target.
    clock.set(T0);
    const early = await create({ ownerId: o.agent.id });
    expect(await outcomes(early.id)).toEqual({ first: 'running', resolution: null });
    clock.set(at(30));
    await act(early.id, 'resolve', { resolution: 'completed' }, o.agent);
    expect(await outcomes(early.id)).toEqual({ first: null, resolution: null });
    clock.set(at(10_000)); // long after the due time: a finished case's clock stays stopped
    await act(early.id, 'reopen', {});
    expect(await outcomes(early.id)).toEqual({ first: 'running', resolution: null });

    // Waiting stops the clock before the cancel: the record does not change when the case is finished.
    clock.set(T0);
    const waited = await create({ ownerId: o.agent.id });
    clock.set(at(10));
    await act(waited.id, 'wait', {}, o.agent);
    const record = (await sql<{ sla: unknown }>`SELECT sla FROM cases WHERE id = ${waited.id}::uuid`.execute(t.db.kysely)).rows[0]!.sla;
    expect(await outcomes(waited.id)).toEqual({ first: 'running', resolution: null });
    clock.set(at(20));
    await act(waited.id, 'cancel', {});
    expect((await sql<{ sla: unknown }>`SELECT sla FROM cases WHERE id = ${waited.id}::uuid`.execute(t.db.kysely)).rows[0]!.sla).toEqual(
      record,
    );
    expect(await outcomes(waited.id)).toEqual({ first: null, resolution: null });

    // Finished after the due time without a reply: breached.
    clock.set(T0);
    const late = await create({ ownerId: o.agent.id });
    clock.set(at(150));
    await act(late.id, 'resolve', { resolution: 'completed' }, o.agent);
    expect(await outcomes(late.id)).toEqual({ first: 'breached', resolution: null });
    expect(target(await get(late.id), 'firstResponse').state).toBe('breached');
    clock.set(T0);
  });

  it('the resolution target is met by resolving, not by canceling or marking spam; earlier cases are put right by migration 046', async () => {
    const resolution = async (id: string) =>
      (
        await sql<{
          o: string | null;
          sla: { clocks: Target[] };
        }>`SELECT sla_resolution_outcome AS o, sla FROM cases WHERE id = ${id}::uuid`.execute(t.db.kysely)
      ).rows[0]!;
    // Urgent on team A: a resolution target of 480 business minutes.
    clock.set(T0);
    const [solved, canceled, spam] = [
      await create({ priority: 'urgent', ownerId: o.agent.id }),
      await create({ priority: 'urgent', ownerId: o.agent.id }),
      await create({ priority: 'urgent', ownerId: o.agent.id }),
    ];
    clock.set(at(30));
    await act(solved.id, 'resolve', { resolution: 'completed' }, o.agent);
    await act(canceled.id, 'cancel', {});
    await act(spam.id, 'spam', {});
    expect((await resolution(solved.id)).o).toBe('met');
    expect((await resolution(canceled.id)).o).toBeNull();
    expect((await resolution(spam.id)).o).toBeNull();
    const stopped = (await resolution(canceled.id)).sla.clocks.find((c) => c.kind === 'resolution')!;
    expect(stopped).toMatchObject({ metAt: null, pausedAt: iso(30), breachedAt: null });
    // Reopened, it goes on from where it stopped; resolved in time, it is met.
    clock.set(at(40));
    await act(canceled.id, 'reopen', {});
    clock.set(at(50));
    await act(canceled.id, 'resolve', { resolution: 'completed' });
    expect((await resolution(canceled.id)).o).toBe('met');

    // A case canceled under the earlier rule (its clock met at the cancel) is corrected by the migration; a solved one is left.
    clock.set(T0);
    const earlier = await create({ priority: 'urgent', ownerId: o.agent.id });
    clock.set(at(30));
    await act(earlier.id, 'cancel', {});
    const before = await resolution(earlier.id);
    const metThen = {
      ...before.sla,
      clocks: before.sla.clocks.map((c) => (c.kind === 'resolution' ? { ...c, metAt: c.pausedAt, pausedAt: null } : c)),
    };
    await sql`UPDATE cases SET sla = ${JSON.stringify(metThen)}::jsonb, sla_resolution_outcome = 'met' WHERE id = ${earlier.id}::uuid`.execute(
      t.db.kysely,
    );
    const solvedBefore = await resolution(solved.id);
    await sql.raw(resolutionTargetSolved.up).execute(t.db.kysely);
    expect(await resolution(earlier.id)).toEqual(before);
    expect(await resolution(solved.id)).toEqual(solvedBefore);
    clock.set(T0);
  });

  it('a case no policy matches has no SLA; removing the policies clears it at the next change', async () => {
    clock.set(T0);
    const c = await create({ priority: 'urgent' });
    expect(c.sla).not.toBeNull();
    await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${everyone}`, { conditions: { tags: ['never-used'] } });
    await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${urgentA}`, { conditions: { tags: ['never-used'] } });
    const plain = await create({ priority: 'urgent' });
    expect(plain.sla).toBeNull();
    const edited = await call(t, o.admin, 'PATCH', `/api/v1/cases/${c.id}`, { priority: 'high' });
    expect(edited.data.sla).toBeNull();
    const row = await sql<{ sla_due_at: Date | null; sla_breach_at: Date | null }>`SELECT sla_due_at, sla_breach_at FROM cases
      WHERE id = ${c.id}::uuid`.execute(t.db.kysely);
    expect(row.rows[0]).toEqual({ sla_due_at: null, sla_breach_at: null });
    await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${everyone}`, { conditions: {} });
    await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${urgentA}`, { conditions: { priorities: ['urgent'], teamIds: [o.teamA] } });
  });
});
