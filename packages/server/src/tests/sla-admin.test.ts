import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectProblem, makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { expectForbidden, expectInvalid } from './admin-support.ts';

const NOW = new Date('2026-03-10T10:00:00.000Z');
const OFFICE = {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2026-12-25', '2026-04-03'],
};

describe.each(DB_KINDS)('service levels: calendars and SLA policies (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const both = async () => ({
    calendars: (await call(t, o.admin, 'GET', '/api/v1/calendars')).data,
    policies: (await call(t, o.admin, 'GET', '/api/v1/sla-policies')).data,
    audited: (
      await sql<{ action: string }>`SELECT action FROM audit_log WHERE action LIKE 'calendar.%' OR action LIKE 'sla_policy.%'
        ORDER BY id`.execute(t.db.kysely)
    ).rows.map((r) => r.action),
  });

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it('answers 401 without credentials on every endpoint', async () => {
    for (const [method, url, body] of [
      ['GET', '/api/v1/calendars'],
      ['POST', '/api/v1/calendars', OFFICE],
      ['PATCH', `/api/v1/calendars/${UNKNOWN_ID}`, { name: 'x' }],
      ['DELETE', `/api/v1/calendars/${UNKNOWN_ID}`],
      ['GET', '/api/v1/sla-policies'],
      ['POST', '/api/v1/sla-policies', { name: 'x', targets: { firstResponse: 60 } }],
      ['PATCH', `/api/v1/sla-policies/${UNKNOWN_ID}`, { name: 'x' }],
      ['DELETE', `/api/v1/sla-policies/${UNKNOWN_ID}`],
    ] as const) {
      expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
    }
  });

  it('creates, reads, changes and deletes a calendar (zone canonical, holidays sorted, overnight kept)', async () => {
    const r = await call(t, o.admin, 'POST', '/api/v1/calendars', {
      ...OFFICE,
      timeZone: 'europe/berlin',
      hours: [...OFFICE.hours, { day: 6, start: '22:00', end: '02:00', overnight: true }],
    });
    expect(r.statusCode, JSON.stringify(r.data)).toBe(201);
    expect(r.data).toMatchObject({
      name: 'Berlin office',
      timeZone: 'Europe/Berlin',
      holidays: ['2026-04-03', '2026-12-25'],
    });
    expect(r.data.hours).toContainEqual({ day: 6, start: '22:00', end: '02:00', overnight: true });
    expect(r.data.hours).toContainEqual({ day: 1, start: '09:00', end: '17:00' });
    const id = r.data.id;
    for (const user of [o.agent, o.viewer]) {
      expect((await call(t, user, 'GET', '/api/v1/calendars')).data.calendars.map((c: { id: string }) => c.id)).toContain(id);
    }
    const p = await call(t, o.admin, 'PATCH', `/api/v1/calendars/${id}`, { name: 'Berlin', holidays: [] });
    expect(p.statusCode).toBe(200);
    expect(p.data).toMatchObject({ id, name: 'Berlin', holidays: [], timeZone: 'Europe/Berlin' });
    expect(p.data.hours).toHaveLength(6);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/calendars/${id}`)).statusCode).toBe(204);
    expectProblem(await call(t, o.admin, 'DELETE', `/api/v1/calendars/${id}`), 404, 'not_found');
    expectProblem(await call(t, o.admin, 'PATCH', `/api/v1/calendars/${id}`, { name: 'x' }), 404, 'not_found');
    expectProblem(await call(t, o.admin, 'PATCH', '/api/v1/calendars/not-an-id', { name: 'x' }), 404, 'not_found');
  });

  it('lets only admin.sla write: supervisors, agents and viewers get 403 and change nothing', async () => {
    const cal = (await call(t, o.admin, 'POST', '/api/v1/calendars', OFFICE)).data;
    const pol = (await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'All', targets: { firstResponse: 60 } })).data;
    const before = await both();
    for (const user of [o.supervisor, o.agent, o.viewer]) {
      expectForbidden(await call(t, user, 'POST', '/api/v1/calendars', OFFICE), 'admin.sla');
      expectForbidden(await call(t, user, 'PATCH', `/api/v1/calendars/${cal.id}`, { name: 'x' }), 'admin.sla');
      expectForbidden(await call(t, user, 'DELETE', `/api/v1/calendars/${cal.id}`), 'admin.sla');
      expectForbidden(await call(t, user, 'POST', '/api/v1/sla-policies', { name: 'x', targets: { firstResponse: 5 } }), 'admin.sla');
      expectForbidden(await call(t, user, 'PATCH', `/api/v1/sla-policies/${pol.id}`, { name: 'x' }), 'admin.sla');
      expectForbidden(await call(t, user, 'DELETE', `/api/v1/sla-policies/${pol.id}`), 'admin.sla');
    }
    expect(await both()).toEqual(before);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${pol.id}`)).statusCode).toBe(204);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/calendars/${cal.id}`)).statusCode).toBe(204);
  });

  it('refuses bad calendars with 400 naming the field, writing nothing', async () => {
    const cal = (await call(t, o.admin, 'POST', '/api/v1/calendars', OFFICE)).data;
    const before = await both();
    const post = (body: object) => call(t, o.admin, 'POST', '/api/v1/calendars', { ...OFFICE, ...body });
    expectInvalid(await post({ timeZone: 'Mars/Olympus' }), 'timeZone');
    expectInvalid(await post({ hours: [{ day: 1, start: '17:00', end: '09:00' }] }), 'hours.0.end'); // reversed
    expectInvalid(await post({ hours: [{ day: 1, start: '22:00', end: '23:00', overnight: true }] }), 'hours.0.end');
    expectInvalid(
      await post({
        hours: [
          { day: 1, start: '09:00', end: '13:00' },
          { day: 1, start: '12:00', end: '17:00' },
        ],
      }),
      'hours.1',
    ); // overlapping
    expectInvalid(
      await post({
        hours: [
          { day: 7, start: '20:00', end: '02:00', overnight: true },
          { day: 1, start: '01:00', end: '05:00' },
        ],
      }),
      'hours.1',
    ); // Sunday night runs into Monday
    expectInvalid(await post({ hours: [{ day: 8, start: '09:00', end: '17:00' }] }), 'hours.0.day');
    expectInvalid(await post({ hours: [{ day: 1, start: '9am', end: '17:00' }] }), 'hours.0.start');
    expectInvalid(await post({ hours: [] }), 'hours');
    expectInvalid(await post({ holidays: ['2026-02-30'] }), 'holidays.0');
    expectInvalid(await post({ name: ' ' }), 'name');
    expectInvalid(await post({ colour: 'red' }), 'colour');
    expectInvalid(await call(t, o.admin, 'PATCH', `/api/v1/calendars/${cal.id}`, { timeZone: 'Nowhere' }), 'timeZone');
    expectInvalid(
      await call(t, o.admin, 'PATCH', `/api/v1/calendars/${cal.id}`, { hours: [{ day: 2, start: '10:00', end: '10:00' }] }),
      'hours.0.end',
    );
    expect(await both()).toEqual(before);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/calendars/${cal.id}`)).statusCode).toBe(204);
  });

  it('creates policies in order with conditions, targets and a calendar; a calendar in use cannot go (409)', async () => {
    const cal = (await call(t, o.admin, 'POST', '/api/v1/calendars', OFFICE)).data;
    const vip = await call(t, o.admin, 'POST', '/api/v1/sla-policies', {
      name: 'VIP',
      conditions: { priorities: ['urgent', 'high'], types: ['email'], teamIds: [o.teamA.toUpperCase()], tags: ['VIP'] },
      targets: { firstResponse: 30, nextResponse: 60, resolution: 480 },
      calendarId: cal.id,
    });
    expect(vip.statusCode, JSON.stringify(vip.data)).toBe(201);
    expect(vip.data).toMatchObject({
      name: 'VIP',
      position: 1,
      conditions: { priorities: ['urgent', 'high'], types: ['email'], teamIds: [o.teamA], tags: ['vip'] },
      targets: { firstResponse: 30, nextResponse: 60, resolution: 480 },
      calendarId: cal.id,
    });
    const rest = await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'Everyone else', targets: { resolution: 1440 } });
    expect(rest.data).toMatchObject({ position: 2, conditions: {}, targets: { resolution: 1440 }, calendarId: null });
    const first = await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'First', position: 0, targets: { firstResponse: 10 } });
    expect((await call(t, o.agent, 'GET', '/api/v1/sla-policies')).data.policies.map((p: { name: string }) => p.name)).toEqual([
      'First',
      'VIP',
      'Everyone else',
    ]);
    const moved = await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${first.data.id}`, { position: 5, calendarId: cal.id });
    expect(moved.data).toMatchObject({ position: 5, calendarId: cal.id, targets: { firstResponse: 10 } });
    expect((await call(t, o.admin, 'GET', '/api/v1/sla-policies')).data.policies.map((p: { name: string }) => p.name)).toEqual([
      'VIP',
      'Everyone else',
      'First',
    ]);
    const inUse = expectProblem(await call(t, o.admin, 'DELETE', `/api/v1/calendars/${cal.id}`), 409, 'conflict');
    expect(inUse.detail).toContain('VIP');
    expect((await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${first.data.id}`, { calendarId: null })).data.calendarId).toBeNull();
    for (const p of [vip.data, rest.data, first.data]) {
      expect((await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${p.id}`)).statusCode).toBe(204);
    }
    expectProblem(await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${vip.data.id}`), 404, 'not_found');
    expect((await call(t, o.admin, 'DELETE', `/api/v1/calendars/${cal.id}`)).statusCode).toBe(204);
    // every change is in the audit log (SPEC §14), with who made it
    const entries = await sql<{ action: string; actor_id: string }>`SELECT action, actor_id::text AS actor_id FROM audit_log
      WHERE target_id = ${vip.data.id} ORDER BY action`.execute(t.db.kysely);
    expect(entries.rows).toEqual([
      { action: 'sla_policy.created', actor_id: o.admin.id },
      { action: 'sla_policy.deleted', actor_id: o.admin.id },
    ]);
  });

  it('refuses bad policies with 400 naming the field, writing nothing', async () => {
    const pol = (await call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'All', targets: { firstResponse: 60 } })).data;
    const before = await both();
    const post = (body: object) => call(t, o.admin, 'POST', '/api/v1/sla-policies', { name: 'P', targets: { firstResponse: 60 }, ...body });
    expectInvalid(await post({ targets: { firstResponse: 0 } }), 'targets.firstResponse');
    expectInvalid(await post({ targets: { resolution: -5 } }), 'targets.resolution');
    expectInvalid(await post({ targets: { nextResponse: 1.5 } }), 'targets.nextResponse');
    expectInvalid(await post({ targets: {} }), 'targets');
    expectInvalid(await post({ targets: { sometime: 5 } }), 'targets');
    expectInvalid(await post({ conditions: { priorities: ['whenever'] } }), 'conditions.priorities.0');
    expectInvalid(await post({ conditions: { types: ['fax'] } }), 'conditions.types.0');
    expectInvalid(await post({ conditions: { teamIds: [UNKNOWN_ID] } }), 'conditions.teamIds');
    expectInvalid(await post({ conditions: { colour: ['red'] } }), 'conditions');
    expectInvalid(await post({ calendarId: UNKNOWN_ID }), 'calendarId');
    expectInvalid(await post({ name: '' }), 'name');
    expectInvalid(
      await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${pol.id}`, { targets: { firstResponse: 0 } }),
      'targets.firstResponse',
    );
    expectInvalid(await call(t, o.admin, 'PATCH', `/api/v1/sla-policies/${pol.id}`, { calendarId: UNKNOWN_ID }), 'calendarId');
    expect(await both()).toEqual(before);
    expect((await call(t, o.admin, 'DELETE', `/api/v1/sla-policies/${pol.id}`)).statusCode).toBe(204);
  });
});
