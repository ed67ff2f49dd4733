import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectProblem, expectRefused, makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { expectForbidden, expectInvalid } from './admin-support.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');
const EARLIER = new Date('2026-05-01T09:00:00.000Z');

describe.each(DB_KINDS)('custom case fields (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  const define = (body: Record<string, unknown>) => call(t, o.admin, 'POST', '/api/v1/case-fields', body);
  const setValues = (id: string, fields: Record<string, unknown>) =>
    sql`UPDATE cases SET fields = ${JSON.stringify(fields)}::jsonb WHERE id = ${id}::uuid`.execute(t.db.kysely);
  const valuesOf = async (id: string) =>
    (await sql<{ fields: Record<string, unknown> }>`SELECT fields FROM cases WHERE id = ${id}::uuid`.execute(t.db.kysely)).rows[0]!.fields;
  const listIds = async (query: string, user = o.admin) => {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
    return { ids: r.data.cases.map((c: { id: string }) => c.id).sort(), total: r.data.total };
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  describe('definitions: GET/POST /case-fields, PATCH/DELETE /case-fields/:key', () => {
    it('answers 401 without credentials on every endpoint', async () => {
      for (const [method, url, body] of [
        ['GET', '/api/v1/case-fields'],
        ['POST', '/api/v1/case-fields', { key: 'x', label: 'X', type: 'text' }],
        ['PATCH', '/api/v1/case-fields/x', { label: 'Y' }],
        ['DELETE', '/api/v1/case-fields/x'],
      ] as const) {
        expectProblem(await call(t, null, method, url, body), 401, 'unauthenticated');
      }
    });

    it('lets only admins write (403 naming admin.fields), everyone signed in read', async () => {
      expect((await define({ key: 'plan', label: 'Plan', type: 'select', options: ['free', 'gold'] })).statusCode).toBe(201);
      for (const user of [o.supervisor, o.agent, o.viewer]) {
        expectForbidden(await call(t, user, 'POST', '/api/v1/case-fields', { key: 'x', label: 'X', type: 'text' }), 'admin.fields');
        expectForbidden(await call(t, user, 'PATCH', '/api/v1/case-fields/plan', { label: 'Y' }), 'admin.fields');
        expectForbidden(await call(t, user, 'DELETE', '/api/v1/case-fields/plan'), 'admin.fields');
        const r = await call(t, user, 'GET', '/api/v1/case-fields');
        expect(r.statusCode).toBe(200);
        expect(r.data.fields).toContainEqual({
          key: 'plan',
          label: 'Plan',
          type: 'select',
          options: ['free', 'gold'],
          required: false,
          teamIds: [],
        });
      }
    });

    it('refuses bad definitions with 400 naming the field, writing nothing', async () => {
      const before = (await call(t, o.admin, 'GET', '/api/v1/case-fields')).data.fields;
      expectInvalid(await define({ key: 'Bad Key', label: 'X', type: 'text' }), 'key');
      expectInvalid(await define({ key: '1x', label: 'X', type: 'text' }), 'key');
      expectInvalid(await define({ key: 'x', label: ' ', type: 'text' }), 'label');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'colour' }), 'type');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'select' }), 'options');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'multiselect', options: ['a', 'a'] }), 'options');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'number', options: ['1'] }), 'options');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'text', teamIds: [UNKNOWN_ID] }), 'teamIds');
      expectInvalid(await define({ key: 'x', label: 'X', type: 'text', colour: 'red' }), 'colour');
      expectInvalid(await call(t, o.admin, 'PATCH', '/api/v1/case-fields/plan', { type: 'text' }), 'type');
      expectInvalid(await call(t, o.admin, 'PATCH', '/api/v1/case-fields/plan', { options: [] }), 'options');
      expect((await call(t, o.admin, 'GET', '/api/v1/case-fields')).data.fields).toEqual(before);
    });

    it('answers 409 for a key that exists and 404 for one that does not', async () => {
      expect(expectProblem(await define({ key: 'plan', label: 'Again', type: 'text' }), 409, 'conflict').fields[0].field).toBe('key');
      expectProblem(await call(t, o.admin, 'PATCH', '/api/v1/case-fields/nope', { label: 'Y' }), 404, 'not_found');
      expectProblem(await call(t, o.admin, 'DELETE', '/api/v1/case-fields/nope'), 404, 'not_found');
    });

    it('changes label, options, requirement and teams; deleting a field removes its values from cases', async () => {
      const r = await define({ key: 'temp', label: 'Temp', type: 'text' });
      expect(r.data).toEqual({ key: 'temp', label: 'Temp', type: 'text', options: null, required: false, teamIds: [] });
      const p = await call(t, o.admin, 'PATCH', '/api/v1/case-fields/temp', { label: 'Temporary', required: true, teamIds: [o.teamB] });
      expect(p.data).toEqual({ key: 'temp', label: 'Temporary', type: 'text', options: null, required: true, teamIds: [o.teamB] });
      const id = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER });
      await setValues(id, { temp: 'x', kept: 1 });
      expect((await call(t, o.admin, 'DELETE', '/api/v1/case-fields/temp')).statusCode).toBe(204);
      expect(await valuesOf(id)).toEqual({ kept: 1 });
      expect((await call(t, o.admin, 'GET', '/api/v1/case-fields')).data.fields.map((f: { key: string }) => f.key)).not.toContain('temp');
    });
  });

  describe('case JSON and the list filter field.<key>', () => {
    let gold: string;
    let free: string;
    let none: string;
    let goldB: string;

    beforeAll(async () => {
      await define({ key: 'seats', label: 'Seats', type: 'number' });
      await define({ key: 'renewal', label: 'Renewal', type: 'date' });
      await define({ key: 'modules', label: 'Modules', type: 'multiselect', options: ['chat', 'mail', 'voice'] });
      await define({ key: 'vip', label: 'VIP', type: 'checkbox' });
      await define({ key: 'account', label: 'Account', type: 'text' });
      gold = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      free = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      none = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      goldB = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER });
      await setValues(gold, { plan: 'gold', seats: 25, renewal: '2026-09-01', modules: ['chat', 'voice'], vip: true, account: 'ACME Ltd' });
      await setValues(free, { plan: 'free', seats: 1, modules: ['mail'], vip: false });
      await setValues(goldB, { plan: 'gold', seats: 25 });
    });

    it('carries the values on the case JSON (unset fields absent)', async () => {
      expect((await call(t, o.agent, 'GET', `/api/v1/cases/${gold}`)).data.fields).toEqual({
        plan: 'gold',
        seats: 25,
        renewal: '2026-09-01',
        modules: ['chat', 'voice'],
        vip: true,
        account: 'ACME Ltd',
      });
      expect((await call(t, o.agent, 'GET', `/api/v1/cases/${none}`)).data.fields).toEqual({});
    });

    it.each([
      ['field.plan=gold', ['gold', 'goldB']],
      ['field.plan=free', ['free']],
      ['field.seats=25', ['gold', 'goldB']],
      ['field.seats=25.0', ['gold', 'goldB']],
      ['field.renewal=2026-09-01', ['gold']],
      ['field.modules=voice', ['gold']],
      ['field.modules=mail', ['free']],
      ['field.vip=true', ['gold']],
      ['field.vip=false', ['free']],
      ['field.account=ACME%20Ltd', ['gold']],
      ['field.plan=gold&field.seats=25&field.vip=true', ['gold']],
      ['field.plan=gold&teamId=TEAM_B', ['goldB']],
      ['field.plan=gold&status=resolved', []],
    ])('%s', async (query, names) => {
      const byName: Record<string, string> = { gold, free, none, goldB };
      const want = names.map((n) => byName[n]!).sort();
      const { ids, total } = await listIds(query.replace('TEAM_B', o.teamB));
      expect(ids).toEqual(want);
      expect(total).toBe(want.length);
    });

    it("obeys visibility: an agent finds only their teams' cases, in the page and the count", async () => {
      expect(await listIds('field.plan=gold', o.agent)).toEqual({ ids: [gold], total: 1 });
      expect(await listIds('field.plan=gold', o.agentB)).toEqual({ ids: [goldB], total: 1 });
    });

    it('refuses an unknown key or a value the type cannot hold, naming field.<key>', async () => {
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.nope=1'), 'field.nope');
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.seats=many'), 'field.seats');
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.plan=platinum'), 'field.plan');
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.vip=yes'), 'field.vip');
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.renewal=2026-02-30'), 'field.renewal');
      expectInvalid(await call(t, o.agent, 'GET', '/api/v1/cases?field.plan=gold&field.plan=free'), 'querystring.field.plan');
    });

    it('the filter is answered by the fields index', async () => {
      await t.db.kysely.transaction().execute(async (trx) => {
        await sql`SET LOCAL enable_seqscan = off`.execute(trx);
        const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT c.id FROM cases c
          WHERE c.fields @> ${JSON.stringify({ plan: 'gold' })}::jsonb AND c.fields <> '{}'::jsonb`.execute(trx);
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('cases_fields');
      });
    });
  });

  describe('PATCH /cases/:id/fields', () => {
    const patch = (user: Parameters<typeof call>[1], id: string, body: unknown) =>
      call(t, user, 'PATCH', `/api/v1/cases/${id}/fields`, body);

    it('guards: 401, 404 for an invisible case, 403 for a viewer, 409 for a closed case; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      await expectRefused(t, null, 'PATCH', `/api/v1/cases/${id}/fields`, { plan: 'gold' }, 401, 'unauthenticated');
      await expectRefused(t, o.agentB, 'PATCH', `/api/v1/cases/${id}/fields`, { plan: 'gold' }, 404, 'not_found');
      expect((await expectRefused(t, o.viewer, 'PATCH', `/api/v1/cases/${id}/fields`, { plan: 'gold' }, 403, 'forbidden')).action).toBe(
        'edit',
      );
      const closed = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, status: 'closed' });
      await expectRefused(t, o.admin, 'PATCH', `/api/v1/cases/${closed}/fields`, { plan: 'gold' }, 409, 'transition_not_allowed');
      expect(await valuesOf(id)).toEqual({});
    });

    it('refuses an unknown key, a wrong type or another team’s field with 400 naming it; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      await setValues(id, { plan: 'free' });
      for (const [body, name] of [
        [{ nope: 1 }, 'fields.nope'],
        [{ seats: 'ten' }, 'fields.seats'],
        [{ plan: 'platinum' }, 'fields.plan'],
        [{ modules: ['fax'] }, 'fields.modules'],
        [{ renewal: '2026-02-30' }, 'fields.renewal'],
        [{ billing_ref: 'INV-9' }, 'fields.billing_ref'],
        [{ seats: 3, plan: 42 }, 'fields.plan'],
      ] as const) {
        const p = await expectRefused(t, o.agent, 'PATCH', `/api/v1/cases/${id}/fields`, body, 400, 'validation_failed');
        expect(p.fields.map((f: { field: string }) => f.field)).toEqual([name]);
      }
      expect(await valuesOf(id)).toEqual({ plan: 'free' });
    });

    it('sets and clears values by type; each change is a case.field_changed in the history; the same value changes nothing', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      const r = await patch(o.agent, id, {
        plan: 'gold',
        seats: 7,
        renewal: '2026-12-31',
        modules: ['voice', 'chat'],
        vip: true,
        account: ' Acme ',
      });
      expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
      expect(r.data.fields).toEqual({
        plan: 'gold',
        seats: 7,
        renewal: '2026-12-31',
        modules: ['chat', 'voice'],
        vip: true,
        account: 'Acme',
      });
      expect(r.data.updatedAt).toBe(NOW.toISOString());
      const cleared = await patch(o.agent, id, { seats: null, account: '', plan: 'gold' });
      expect(cleared.data.fields).toEqual({ plan: 'gold', renewal: '2026-12-31', modules: ['chat', 'voice'], vip: true });
      expect((await call(t, o.agent, 'GET', `/api/v1/cases/${id}`)).data.fields).toEqual(cleared.data.fields);
      const events = (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.filter(
        (e: { type: string }) => e.type === 'case.field_changed',
      );
      expect(events.map((e: { data: unknown; actorId: string }) => [e.actorId, e.data])).toEqual([
        [o.agent.id, { key: 'plan', label: 'Plan', from: null, to: 'gold' }],
        [o.agent.id, { key: 'seats', label: 'Seats', from: null, to: 7 }],
        [o.agent.id, { key: 'renewal', label: 'Renewal', from: null, to: '2026-12-31' }],
        [o.agent.id, { key: 'modules', label: 'Modules', from: null, to: ['chat', 'voice'] }],
        [o.agent.id, { key: 'vip', label: 'VIP', from: null, to: true }],
        [o.agent.id, { key: 'account', label: 'Account', from: null, to: 'Acme' }],
        [o.agent.id, { key: 'seats', label: 'Seats', from: 7, to: null }],
        [o.agent.id, { key: 'account', label: 'Account', from: 'Acme', to: null }],
      ]);
      expect((await patch(o.agent, id, { plan: 'gold' })).statusCode).toBe(200);
      expect((await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events.length).toBe(8);
    });
  });

  describe('required fields block resolving (409 naming the field)', () => {
    beforeAll(async () => {
      await define({ key: 'cause', label: 'Root cause', type: 'select', options: ['bug', 'question'], required: true, teamIds: [o.teamA] });
      await define({ key: 'billing_ref', label: 'Billing ref', type: 'text', required: true, teamIds: [o.teamB] });
    });

    it('refuses to resolve while a required field of the case’s team is unset; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ownerId: o.agent.id });
      const p = await expectRefused(t, o.agent, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' }, 409, 'fields_required');
      expect(p.fields).toEqual([{ field: 'fields.cause', message: 'Root cause is required to resolve' }]);
      expect(p.detail).toContain('Root cause');
      await expectRefused(
        t,
        o.agent,
        'POST',
        `/api/v1/cases/${id}/resolve`,
        { resolution: 'unresolved', note: 'x' },
        409,
        'fields_required',
      );
      await setValues(id, { cause: 'bug' });
      const r = await call(t, o.agent, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' });
      expect(r.statusCode).toBe(200);
      expect(r.data.status).toBe('resolved');
    });

    it('never blocks canceling, nor cases of a team the field does not apply to', async () => {
      const a = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ownerId: o.agent.id });
      expect((await call(t, o.admin, 'POST', `/api/v1/cases/${a}/cancel`, {})).data.status).toBe('canceled');
      const b = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER, ownerId: o.agentB.id });
      await setValues(b, { billing_ref: 'INV-1' });
      expect((await call(t, o.agentB, 'POST', `/api/v1/cases/${b}/resolve`, { resolution: 'completed' })).data.status).toBe('resolved');
    });

    it('answers a refused transition before the fields (resolving a resolved case is 409 transition_not_allowed)', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ownerId: o.agent.id, status: 'resolved' });
      await expectRefused(t, o.admin, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' }, 409, 'transition_not_allowed');
    });

    it('still refuses 404/403 before looking at fields', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, ownerId: o.agent.id });
      await expectRefused(t, o.agentB, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' }, 404, 'not_found');
      await expectRefused(t, o.agent2, 'POST', `/api/v1/cases/${id}/resolve`, { resolution: 'completed' }, 403, 'forbidden');
    });
  });

  describe('import accepts per-case fields', () => {
    const item = (fields: Record<string, unknown>, teamId = () => o.teamA) => ({
      subject: 'Imported',
      type: 'email',
      teamId: teamId(),
      status: 'new',
      createdAt: EARLIER.toISOString(),
      fields,
    });

    it('stores checked values', async () => {
      const r = await call(t, o.admin, 'POST', '/api/v1/import/cases', {
        cases: [item({ plan: 'gold', seats: 3, modules: ['voice', 'chat'], vip: false }), item({})],
      });
      expect(r.statusCode, JSON.stringify(r.data)).toBe(201);
      const [a, b] = r.data.ids;
      expect((await call(t, o.admin, 'GET', `/api/v1/cases/${a}`)).data.fields).toEqual({
        plan: 'gold',
        seats: 3,
        modules: ['chat', 'voice'],
        vip: false,
      });
      expect((await call(t, o.admin, 'GET', `/api/v1/cases/${b}`)).data.fields).toEqual({});
    });

    it('refuses an unknown key, a wrong type or another team’s field, naming cases.<i>.fields.<key>; nothing is imported', async () => {
      for (const [fields, name] of [
        [{ nope: 1 }, 'cases.1.fields.nope'],
        [{ seats: 'three' }, 'cases.1.fields.seats'],
        [{ billing_ref: 'INV-2' }, 'cases.1.fields.billing_ref'],
      ] as const) {
        const p = await expectRefused(
          t,
          o.admin,
          'POST',
          '/api/v1/import/cases',
          { cases: [item({}), item(fields)] },
          400,
          'validation_failed',
        );
        expect(p.fields.map((f: { field: string }) => f.field)).toEqual([name]);
      }
    });
  });
});
