import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canView, priorityRank, type Priority } from '@casework/domain';
import { DB_KINDS, call, listenOnLoopback, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { UNKNOWN_ID, expectProblem, expectRefused, makeOrg, seedCase, type Org } from '../test-support/case-fixtures.ts';
import { openSse } from '../test-support/sse-client.ts';
import { expectForbidden, expectInvalid } from './admin-support.ts';

const EARLIER = new Date('2026-05-01T09:00:00.000Z');
const at = (minutes: number) => new Date(EARLIER.getTime() + minutes * 60_000);

/** Priority, tags and editing a case (SPEC §10): the API on both databases. */
describe.each(DB_KINDS)('priority, tags and case editing (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let base: string;

  const setData = (id: string, data: { priority?: Priority; tags?: string[] }) =>
    sql`UPDATE cases SET priority = coalesce(${data.priority === undefined ? null : priorityRank(data.priority)}::smallint, priority),
      tags = coalesce(${data.tags ?? null}::text[], tags) WHERE id = ${id}::uuid`.execute(t.db.kysely);
  const getCase = async (id: string, user: TestUser = o.admin) => (await call(t, user, 'GET', `/api/v1/cases/${id}`)).data;
  const eventsOf = async (id: string) =>
    (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events as { type: string; actorId: string; data: any }[];
  const listIds = async (query: string, user: TestUser = o.admin) => {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
    return r.data.cases.map((c: { id: string }) => c.id) as string[];
  };
  const setManaged = (managedTags: string[] | null) => call(t, o.admin, 'PATCH', '/api/v1/organisation', { managedTags });

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    base = await listenOnLoopback(t);
    expect((await call(t, o.admin, 'POST', '/api/v1/case-fields', { key: 'seats', label: 'Seats', type: 'number' })).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  describe('case JSON carries priority and tags on every path', () => {
    it('GET /cases/:id, the list, My Work, claim-next, bulk, a customer profile', async () => {
      const fresh = await call(t, o.agent, 'POST', '/api/v1/cases', {
        subject: 'New by hand',
        teamId: o.teamA,
        customer: { email: 'paths@example.test' },
      });
      expect(fresh.statusCode).toBe(201);
      expect(fresh.data).toMatchObject({ priority: 'normal', tags: [] });
      await setData(fresh.data.id, { priority: 'urgent', tags: ['billing', 'vip'] });
      const want = { priority: 'urgent', tags: ['billing', 'vip'] };
      expect(await getCase(fresh.data.id, o.agent)).toMatchObject(want);
      const list = await call(t, o.agent, 'GET', `/api/v1/cases?teamId=${o.teamA}`);
      expect(list.data.cases.find((c: { id: string }) => c.id === fresh.data.id)).toMatchObject(want);
      const work = await call(t, o.agent, 'GET', '/api/v1/me/work');
      expect(work.data.next?.case.id).toBe(fresh.data.id);
      expect(work.data.next.case).toMatchObject(want);
      const claimed = await call(t, o.agent, 'POST', '/api/v1/me/work/claim-next');
      expect(claimed.statusCode, JSON.stringify(claimed.data)).toBe(200);
      expect(claimed.data).toMatchObject({ id: fresh.data.id, ...want });
      const after = await call(t, o.agent, 'GET', '/api/v1/me/work');
      const ready = after.data.sections.find((s: { key: string }) => s.key === 'ready');
      expect(ready.cases.find((c: { id: string }) => c.id === fresh.data.id)).toMatchObject(want);
      const page = await call(t, o.agent, 'GET', '/api/v1/me/work/sections/ready');
      expect(page.data.cases.find((c: { id: string }) => c.id === fresh.data.id)).toMatchObject(want);
      const bulk = await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [fresh.data.id], action: 'follow' });
      expect(bulk.data.results[0].case).toMatchObject(want);
      const profile = await call(t, o.agent, 'GET', `/api/v1/customers/${fresh.data.customer.id}`);
      expect(profile.data.cases[0]).toMatchObject(want);
    });
  });

  describe('POST /cases with priority, tags and fields', () => {
    it('creates the case with them, recorded on case.created; defaults without them', async () => {
      const made = await call(t, o.agent, 'POST', '/api/v1/cases', {
        subject: 'Created with data',
        teamId: o.teamA,
        priority: 'high',
        tags: [' VIP ', 'billing', 'vip'],
        fields: { seats: 12 },
      });
      expect(made.statusCode, JSON.stringify(made.data)).toBe(201);
      expect(made.data).toMatchObject({ priority: 'high', tags: ['billing', 'vip'], fields: { seats: 12 } });
      expect(await getCase(made.data.id, o.agent)).toMatchObject({ priority: 'high', tags: ['billing', 'vip'], fields: { seats: 12 } });
      const created = (await eventsOf(made.data.id)).find((e) => e.type === 'case.created');
      expect(created?.data).toMatchObject({ priority: 'high', tags: ['billing', 'vip'], fields: { seats: 12 } });
      expect(await listIds('tag=vip&priority=high')).toContain(made.data.id);
      const plain = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Plain', teamId: o.teamA });
      expect(plain.data).toMatchObject({ priority: 'normal', tags: [], fields: {} });
      const plainCreated = (await eventsOf(plain.data.id)).find((e) => e.type === 'case.created');
      expect(plainCreated?.data).not.toHaveProperty('tags');
    });

    it('refuses a bad priority, tag or field with a 400 naming each, and creates nothing (no customer either)', async () => {
      const rows = async (table: 'cases' | 'customers') =>
        Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.db.kysely)).rows[0]?.n);
      const count = () => rows('cases');
      const customers = () => rows('customers');
      const before = [await count(), await customers()];
      const post = (extra: Record<string, unknown>) =>
        call(t, o.agent, 'POST', '/api/v1/cases', {
          subject: 'Bad data',
          teamId: o.teamA,
          customer: { email: 'bad-data@example.test' },
          ...extra,
        });
      expectInvalid(await post({ priority: 'critical' }), 'priority');
      expectInvalid(await post({ tags: ['x'.repeat(51)] }), 'tags');
      expectInvalid(await post({ tags: ['   '] }), 'tags');
      expectInvalid(await post({ fields: { seats: 'many' } }), 'fields.seats');
      expectInvalid(await post({ fields: { nope: 1 } }), 'fields.nope');
      const both = await post({ tags: [''], fields: { seats: 'many' } });
      expectInvalid(both, 'tags');
      expectInvalid(both, 'fields.seats');
      expect(await setManaged(['billing'])).toMatchObject({ statusCode: 200 });
      try {
        expectInvalid(await post({ tags: ['refund'] }), 'tags');
      } finally {
        await setManaged(null);
      }
      expect([await count(), await customers()]).toEqual(before);
    });
  });

  describe('PATCH /cases/:id', () => {
    const patch = (user: TestUser | null, id: string, body: unknown) => call(t, user, 'PATCH', `/api/v1/cases/${id}`, body);

    it('guards: 401, 404 for an invisible case, 403 for a viewer and for another team’s agent who follows it, 409 closed/canceled', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, collaboratorIds: [] });
      const body = { priority: 'high' };
      await expectRefused(t, null, 'PATCH', `/api/v1/cases/${id}`, body, 401, 'unauthenticated');
      await expectRefused(t, o.agentB, 'PATCH', `/api/v1/cases/${id}`, body, 404, 'not_found');
      await expectRefused(t, o.agent, 'PATCH', `/api/v1/cases/${UNKNOWN_ID}`, body, 404, 'not_found');
      expect((await expectRefused(t, o.viewer, 'PATCH', `/api/v1/cases/${id}`, body, 403, 'forbidden')).action).toBe('edit');
      await sql`INSERT INTO case_collaborators (case_id, user_id) VALUES (${id}::uuid, ${o.agentB.id}::uuid)`.execute(t.db.kysely);
      expect((await expectRefused(t, o.agentB, 'PATCH', `/api/v1/cases/${id}`, body, 403, 'forbidden')).action).toBe('edit');
      expect((await getCase(id, o.agentB)).actions).not.toContain('edit');
      expect((await getCase(id, o.agent)).actions).toContain('edit');
      expect((await getCase(id, o.viewer)).actions).not.toContain('edit');
      for (const status of ['closed', 'canceled'] as const) {
        const done = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, status });
        await expectRefused(t, o.admin, 'PATCH', `/api/v1/cases/${done}`, body, 409, 'transition_not_allowed');
        // A viewer is refused for who they are, whatever the status.
        await expectRefused(t, o.viewer, 'PATCH', `/api/v1/cases/${done}`, body, 403, 'forbidden');
        expect((await getCase(done)).actions).not.toContain('edit');
      }
      expect(await getCase(id)).toMatchObject({ priority: 'normal' });
      expect(await eventsOf(id)).toEqual([]);
    });

    it('refuses bad input with 400 naming every bad field; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, subject: 'Keep me' });
      const before = await getCase(id);
      for (const [body, names] of [
        [{ priority: 'critical' }, ['priority']],
        [{ subject: '   ' }, ['subject']],
        [{ fields: { nope: 1 } }, ['fields.nope']],
        [{ fields: { seats: 'ten' } }, ['fields.seats']],
        [{ subject: ' ', priority: 'high', fields: { seats: 'x' } }, ['subject', 'fields.seats']],
        [{ status: 'resolved' }, ['status']],
        [{ ownerId: o.agent.id }, ['ownerId']],
        [{ customerId: 'not-an-id' }, ['customerId']],
        [{ customerId: UNKNOWN_ID }, ['customerId']],
      ] as const) {
        const r = await expectRefused(t, o.agent, 'PATCH', `/api/v1/cases/${id}`, body, 400, 'validation_failed');
        for (const name of names) expect(r.fields.map((f: { field: string }) => f.field)).toContain(name);
      }
      expect(await getCase(id)).toEqual(before);
      expect(await eventsOf(id)).toEqual([]);
    });

    it('a customer merged into another is 409 naming the survivor; one on another team’s cases only is unknown to an agent', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      const a = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, customer: { email: 'merged@example.test' } });
      const b = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, customer: { email: 'survivor@example.test' } });
      const from = (await getCase(a)).customer.id;
      const into = (await getCase(b)).customer.id;
      expect((await call(t, o.admin, 'POST', `/api/v1/customers/${from}/merge`, { intoCustomerId: into })).statusCode).toBe(200);
      const p = await expectRefused(t, o.agent, 'PATCH', `/api/v1/cases/${id}`, { customerId: from }, 409, 'conflict');
      expect(p).toMatchObject({ mergedInto: into, fields: [{ field: 'customerId' }] });
      const other = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER, customer: { email: 'other-team@example.test' } });
      const hidden = (await getCase(other)).customer.id;
      await expectRefused(t, o.agent, 'PATCH', `/api/v1/cases/${id}`, { customerId: hidden }, 400, 'validation_failed');
    });

    it('edits subject, description, priority, fields and customer in one go: one event each, announced live', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, subject: 'Printer', customer: { name: 'Old Co' } });
      const other = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, customer: { name: 'New Co' } });
      const oldCustomer = (await getCase(id)).customer.id;
      const newCustomer = (await getCase(other)).customer.id;
      const streams = [o.agent2, o.agentB].map((u) => openSse(`${base}/api/v1/events`, u.headers));
      try {
        await Promise.all(streams.map((s) => s.status));
        const r = await patch(o.agent, id, {
          subject: '  Printer on fire ',
          description: 'Smoke from tray 2',
          priority: 'urgent',
          fields: { seats: 12 },
          customerId: newCustomer,
        });
        expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
        expect(r.data).toMatchObject({
          subject: 'Printer on fire',
          description: 'Smoke from tray 2',
          priority: 'urgent',
          fields: { seats: 12 },
          customer: { id: newCustomer, name: 'New Co' },
        });
        expect(await getCase(id)).toMatchObject({ subject: 'Printer on fire', priority: 'urgent', customer: { id: newCustomer } });
        const events = await eventsOf(id);
        expect(events.map((e) => [e.type, e.actorId, e.data])).toEqual([
          ['case.subject_changed', o.agent.id, { from: 'Printer', to: 'Printer on fire' }],
          ['case.description_changed', o.agent.id, { from: null, to: 'Smoke from tray 2' }],
          ['case.priority_changed', o.agent.id, { from: 'normal', to: 'urgent' }],
          ['case.field_changed', o.agent.id, { key: 'seats', label: 'Seats', from: null, to: 12 }],
          [
            'case.customer_changed',
            o.agent.id,
            { from: { customerId: oldCustomer, name: 'Old Co' }, to: { customerId: newCustomer, name: 'New Co' } },
          ],
        ]);
        const heard = await streams[0]!.next((e) => e.event === 'case.priority_changed' && e.data?.caseId === id, 'the priority change');
        expect(heard.data.caseId).toBe(id);
        await streams[0]!.next((e) => e.event === 'case.subject_changed' && e.data?.caseId === id, 'the subject change');
        // The other team's agent hears its own team's edits, never this one.
        const own = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER });
        expect((await patch(o.agentB, own, { priority: 'low' })).statusCode).toBe(200);
        await streams[1]!.next((e) => e.event === 'case.priority_changed' && e.data?.caseId === own, "its own team's edit");
        expect(streams[1]!.events.filter((e) => e.data?.caseId === id)).toEqual([]);
      } finally {
        for (const s of streams) s.close();
      }
      // The same values again change nothing and record nothing; unlinking the customer is one event.
      const again = await patch(o.agent, id, { subject: 'Printer on fire', priority: 'urgent', fields: { seats: 12 } });
      expect(again.statusCode).toBe(200);
      expect(await eventsOf(id)).toHaveLength(5);
      const unlinked = await patch(o.admin, id, { customerId: null, description: null });
      expect(unlinked.data.customer).toBeNull();
      expect((await eventsOf(id)).slice(5).map((e) => e.type)).toEqual(['case.description_changed', 'case.customer_changed']);
    });

    it('the history is in event order as numbers (event 1000000 after 999999, not before it as text)', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      await sql`INSERT INTO case_events (id, case_id, type, data, created_at) OVERRIDING SYSTEM VALUE
        VALUES (999999, ${id}::uuid, 'case.tags_changed', '{}', ${EARLIER}), (1000000, ${id}::uuid, 'case.priority_changed', '{}', ${EARLIER})`.execute(
        t.db.kysely,
      );
      const events = (await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events`)).data.events as { id: string }[];
      expect(events.map((e) => e.id)).toEqual(['999999', '1000000']);
      const page = await call(t, o.admin, 'GET', `/api/v1/cases/${id}/events?limit=1`);
      expect(page.data.events.map((e: { id: string }) => e.id)).toEqual(['999999']);
    });

    it('PATCH /cases/:id/fields is the same edit: case.edit, 403 naming edit', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      expectForbidden(await call(t, o.viewer, 'PATCH', `/api/v1/cases/${id}/fields`, { seats: 3 }), 'edit');
      expect((await call(t, o.agent2, 'PATCH', `/api/v1/cases/${id}/fields`, { seats: 3 })).data.fields).toEqual({ seats: 3 });
    });
  });

  describe('POST /cases/:id/tags and the managed list', () => {
    const tag = (user: TestUser | null, id: string, body: unknown) => call(t, user, 'POST', `/api/v1/cases/${id}/tags`, body);

    it('guards: 401, 404, 403 viewer, 409 closed; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      const body = { add: ['vip'] };
      await expectRefused(t, null, 'POST', `/api/v1/cases/${id}/tags`, body, 401, 'unauthenticated');
      await expectRefused(t, o.agentB, 'POST', `/api/v1/cases/${id}/tags`, body, 404, 'not_found');
      expect((await expectRefused(t, o.viewer, 'POST', `/api/v1/cases/${id}/tags`, body, 403, 'forbidden')).action).toBe('edit');
      const closed = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, status: 'closed' });
      await expectRefused(t, o.admin, 'POST', `/api/v1/cases/${closed}/tags`, body, 409, 'transition_not_allowed');
      expect((await getCase(id)).tags).toEqual([]);
    });

    it('adds and removes (case-insensitive, stored lower-case and sorted); each change one event, heard live', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      const s = openSse(`${base}/api/v1/events`, o.agent2.headers);
      try {
        await s.status;
        const r = await tag(o.agent, id, { add: ['  VIP ', 'Billing', 'vip'] });
        expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
        expect(r.data.tags).toEqual(['billing', 'vip']);
        await s.next((e) => e.event === 'case.tags_changed' && e.data?.caseId === id, 'the tag change');
      } finally {
        s.close();
      }
      expect((await tag(o.agent, id, { add: ['refund'], remove: ['VIP'] })).data.tags).toEqual(['billing', 'refund']);
      expect((await tag(o.agent, id, { remove: ['absent'] })).data.tags).toEqual(['billing', 'refund']);
      expect((await eventsOf(id)).map((e) => [e.type, e.data])).toEqual([
        ['case.tags_changed', { added: ['billing', 'vip'], removed: [] }],
        ['case.tags_changed', { added: ['refund'], removed: ['vip'] }],
      ]);
    });

    it('refuses blank, long, conflicting or unmanaged tags with 400 naming the tag; nothing changes', async () => {
      const id = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      await setData(id, { tags: ['legacy'] });
      for (const [body, name] of [
        [{ add: ['ok', '  '] }, 'add.1'],
        [{ add: ['x'.repeat(51)] }, 'add.0'],
        [{ add: ['a'], remove: ['A'] }, 'remove'],
        [{ add: [42] }, 'add.0'],
        [{ add: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'add'],
      ] as const) {
        expectInvalid(await tag(o.agent, id, body), name);
      }
      expect((await setManaged(['Billing', 'vip', ' VIP ', 'zz unused'])).data.managedTags).toEqual(['billing', 'vip', 'zz unused']);
      try {
        const p = expectProblem(await tag(o.agent, id, { add: ['vip', 'refund'] }), 400, 'validation_failed');
        expect(p.fields).toEqual([{ field: 'add.1', message: 'tag "refund" is not in the organisation\'s list of tags' }]);
        expect((await getCase(id)).tags).toEqual(['legacy']);
        // Tags from before the list can still be removed.
        expect((await tag(o.agent, id, { add: ['VIP'], remove: ['legacy'] })).data.tags).toEqual(['vip']);
        const tags = (await call(t, o.agent, 'GET', '/api/v1/tags')).data;
        expect(tags.managed).toBe(true);
        expect(tags.tags).toContainEqual({ name: 'zz unused', count: 0 });
        expect(tags.tags.map((x: { name: string }) => x.name)).toContain('vip');
      } finally {
        expect((await setManaged(null)).data.managedTags).toBeNull();
      }
    });

    it('the organisation setting: admins only, each tag checked', async () => {
      expectForbidden(await call(t, o.supervisor, 'PATCH', '/api/v1/organisation', { managedTags: ['x'] }), 'admin.users');
      expectInvalid(await setManaged(['ok', '']), 'managedTags.1');
      expectInvalid(await setManaged(['y'.repeat(51)]), 'managedTags.0');
      expect((await call(t, o.agent, 'GET', '/api/v1/organisation')).data.managedTags).toBeNull();
    });
  });

  describe('GET /tags and the tag filter never count or list an invisible case', () => {
    let cases: { id: string; teamId: string; ownerId: string | null; collaboratorIds: string[]; tags: string[] }[];
    let newcomer: TestUser;
    let tagT: TestApp;
    let to: Org;

    beforeAll(async () => {
      // A database of its own, so counts are exact.
      tagT = await startTestApp(kind);
      to = await makeOrg(tagT);
      newcomer = await makeUser(tagT.db, { role: 'agent', teamIds: [] });
      const plan = [
        { teamId: to.teamA, tags: ['billing', 'vip'] },
        { teamId: to.teamA, tags: ['billing'] },
        { teamId: to.teamA, tags: [] },
        { teamId: to.teamB, tags: ['billing', 'secret'] },
        { teamId: to.teamB, tags: ['secret'], ownerId: to.agent.id, status: 'ready' as const },
        { teamId: to.teamB, tags: ['secret', 'vip'], collaboratorIds: [to.agent.id, newcomer.id] },
      ];
      cases = [];
      for (const [i, p] of plan.entries()) {
        const id = await seedCase(tagT.db, {
          teamId: p.teamId,
          createdAt: at(i),
          ownerId: p.ownerId ?? null,
          ...(p.status ? { status: p.status } : {}),
          collaboratorIds: p.collaboratorIds ?? [],
        });
        // Through the API, so the counts are kept by the triggers as in production.
        if (p.tags.length) expect((await call(tagT, to.admin, 'POST', `/api/v1/cases/${id}/tags`, { add: p.tags })).statusCode).toBe(200);
        cases.push({ id, teamId: p.teamId, ownerId: p.ownerId ?? null, collaboratorIds: p.collaboratorIds ?? [], tags: p.tags });
      }
    });
    afterAll(() => tagT.close());

    const expected = async (user: TestUser) => {
      const me = await call(tagT, user, 'GET', '/api/v1/me');
      const actor = { id: user.id, permissions: new Set<string>(me.data.permissions), teamIds: me.data.teamIds, timeZone: 'UTC' };
      const counts = new Map<string, number>();
      for (const c of cases)
        if (canView(actor, { ...c, type: 'email', status: 'new' })) for (const tg of c.tags) counts.set(tg, (counts.get(tg) ?? 0) + 1);
      return counts;
    };

    it('counts per user agree with canView; the tag filter lists exactly the visible cases carrying every tag', async () => {
      for (const user of [to.admin, to.supervisor, to.agent, to.agentB, to.viewer, newcomer]) {
        const want = await expected(user);
        const r = await call(tagT, user, 'GET', '/api/v1/tags');
        expect(r.statusCode).toBe(200);
        expect(new Map(r.data.tags.map((x: { name: string; count: number }) => [x.name, x.count])), user.email).toEqual(want);
        for (const tg of ['billing', 'secret', 'vip']) {
          const listed = await call(tagT, user, 'GET', `/api/v1/cases?tag=${tg}`);
          expect(listed.data.total).toBe(want.get(tg) ?? 0);
          expect(listed.data.cases.every((c: { tags: string[] }) => c.tags.includes(tg))).toBe(true);
        }
      }
      expect((await expected(to.agent)).get('secret')).toBe(2); // owned and followed on team B, not the third
      const both = await call(tagT, to.admin, 'GET', '/api/v1/cases?tag=billing&tag=VIP');
      expect(both.data.cases.map((c: { id: string }) => c.id)).toEqual([cases[0]!.id]);
    });

    it('counts follow team changes and tag edits (the counting triggers agree with the cases)', async () => {
      const moved = cases[0]!;
      expect((await call(tagT, to.admin, 'POST', `/api/v1/cases/${moved.id}/assign`, { teamId: to.teamB })).statusCode).toBe(200);
      moved.teamId = to.teamB;
      expect((await call(tagT, to.admin, 'POST', `/api/v1/cases/${cases[1]!.id}/tags`, { remove: ['billing'] })).statusCode).toBe(200);
      cases[1]!.tags = [];
      const drift = await sql<{ team_id: string; tag: string }>`
        SELECT coalesce(a.team_id, b.team_id)::text AS team_id, coalesce(a.tag, b.tag) AS tag
        FROM (SELECT team_id, tag, n FROM case_tag_counts WHERE n <> 0) a
        FULL JOIN (SELECT c.team_id, t.tag, count(*)::int AS n FROM cases c CROSS JOIN unnest(c.tags) t(tag) GROUP BY 1, 2) b
          ON a.team_id = b.team_id AND a.tag = b.tag
        WHERE a.n IS DISTINCT FROM b.n`.execute(tagT.db.kysely);
      expect(drift.rows).toEqual([]);
      for (const user of [to.admin, to.agent, to.agentB]) {
        const r = await call(tagT, user, 'GET', '/api/v1/tags');
        expect(new Map(r.data.tags.map((x: { name: string; count: number }) => [x.name, x.count]))).toEqual(await expected(user));
      }
    });

    it('q narrows to tags starting with it; 401 without credentials', async () => {
      const r = await call(tagT, to.admin, 'GET', '/api/v1/tags?q=SE');
      expect(r.data.tags.map((x: { name: string }) => x.name)).toEqual(['secret']);
      expectProblem(await call(tagT, null, 'GET', '/api/v1/tags'), 401, 'unauthenticated');
    });
  });

  describe('list filters priority and tag, sort=priority, saved views, bulk, import', () => {
    let ids: Record<string, string>;
    let team: string;

    beforeAll(async () => {
      team = (await call(t, o.admin, 'POST', '/api/v1/teams', { name: 'Priority desk' })).data.id;
      ids = {};
      const plan: [string, Priority, string[], number][] = [
        ['low-old', 'low', [], 0],
        ['urgent-old', 'urgent', ['vip'], 1],
        ['normal', 'normal', ['vip', 'billing'], 2],
        ['urgent-new', 'urgent', ['billing'], 3],
        ['high', 'high', [], 4],
        ['low-new', 'low', ['vip'], 5],
      ];
      for (const [name, priority, tags, minute] of plan) {
        ids[name] = await seedCase(t.db, { teamId: team, createdAt: at(minute) });
        await setData(ids[name]!, { priority, tags });
      }
    });

    it('priority=one or a list; tag repeatable (all must match); a bad priority is a 400 naming it', async () => {
      const q = `teamId=${team}`;
      expect(await listIds(`${q}&priority=urgent`)).toEqual([ids['urgent-new'], ids['urgent-old']]);
      expect(await listIds(`${q}&priority=high,urgent`)).toEqual([ids.high, ids['urgent-new'], ids['urgent-old']]);
      expect(await listIds(`${q}&tag=vip`)).toEqual([ids['low-new'], ids.normal, ids['urgent-old']]);
      expect(await listIds(`${q}&tag=vip&tag=Billing`)).toEqual([ids.normal]);
      expect(await listIds(`${q}&tag=vip&priority=low,urgent`)).toEqual([ids['low-new'], ids['urgent-old']]);
      expectInvalid(await call(t, o.admin, 'GET', `/api/v1/cases?${q}&priority=critical`), 'priority');
      expectInvalid(await call(t, o.admin, 'GET', `/api/v1/cases?${q}&tag=%20`), 'tag');
    });

    it('sort=priority: urgent first, then newest first, paged by cursor without gaps (admin and agent paths)', async () => {
      const want = [ids['urgent-new'], ids['urgent-old'], ids.high, ids.normal, ids['low-new'], ids['low-old']];
      const member = await makeUser(t.db, { role: 'agent', teamIds: [team, o.teamB] });
      for (const user of [o.admin, member]) {
        const seen: string[] = [];
        let cursor = '';
        for (let i = 0; i < 5; i++) {
          const r = await call(t, user, 'GET', `/api/v1/cases?teamId=${team}&sort=priority&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
          expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
          seen.push(...r.data.cases.map((c: { id: string }) => c.id));
          if (!r.data.nextCursor) break;
          cursor = r.data.nextCursor;
        }
        expect(seen).toEqual(want);
        // The agent's broad list (all their teams, merged per team) keeps the same order.
        const broad = await listIds('sort=priority&limit=200', member);
        expect(broad.filter((id) => want.includes(id))).toEqual(want);
      }
      // A cursor of another order is refused.
      const byTime = await call(t, o.admin, 'GET', `/api/v1/cases?teamId=${team}&limit=2`);
      expectInvalid(await call(t, o.admin, 'GET', `/api/v1/cases?teamId=${team}&sort=priority&cursor=${byTime.data.nextCursor}`), 'cursor');
      // Searching in priority order.
      await sql`UPDATE cases SET subject = 'Toner spill' WHERE id = ANY(${[ids.high!, ids['low-old']!]}::uuid[])`.execute(t.db.kysely);
      expect(await listIds(`q=toner&sort=priority`)).toEqual([ids.high, ids['low-old']]);
    });

    it('saved views keep and count the new filters', async () => {
      const v = await call(t, o.admin, 'POST', '/api/v1/views', {
        name: 'Urgent VIPs',
        filters: { teamId: team, priority: 'urgent,high', tag: ['vip'], sort: 'priority' },
      });
      expect(v.statusCode, JSON.stringify(v.data)).toBe(201);
      const views = await call(t, o.admin, 'GET', '/api/v1/views?counts=true');
      expect(views.data.views.find((x: { id: string }) => x.id === v.data.id)).toMatchObject({ count: 1 });
      expectInvalid(await call(t, o.admin, 'POST', '/api/v1/views', { name: 'Bad', filters: { priority: 'soon' } }), 'filters.priority');
    });

    it('bulk set_priority, add_tags and remove_tags: per-case results under the same rules', async () => {
      const mine = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER });
      const closed = await seedCase(t.db, { teamId: o.teamA, createdAt: EARLIER, status: 'closed' });
      const hidden = await seedCase(t.db, { teamId: o.teamB, createdAt: EARLIER });
      const r = await call(t, o.agent, 'POST', '/api/v1/cases/bulk', {
        caseIds: [mine, closed, hidden],
        action: 'set_priority',
        priority: 'high',
      });
      expect(r.statusCode, JSON.stringify(r.data)).toBe(200);
      expect(r.data.results.map((x: { ok: boolean; problem?: { status: number } }) => (x.ok ? 200 : x.problem!.status))).toEqual([
        200, 409, 404,
      ]);
      expect(r.data.results[0].case.priority).toBe('high');
      const added = await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'add_tags', tags: ['Follow-up'] });
      expect(added.data.results[0].case.tags).toEqual(['follow-up']);
      const removed = await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'remove_tags', tags: ['follow-up'] });
      expect(removed.data.results[0].case.tags).toEqual([]);
      const viewer = await call(t, o.viewer, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'set_priority', priority: 'low' });
      expect(viewer.data.results[0]).toMatchObject({ ok: false, problem: { status: 403, action: 'edit' } });
      expectInvalid(await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'set_priority' }), 'priority');
      expectInvalid(await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'add_tags', tags: [' '] }), 'tags.0');
      expectInvalid(
        await call(t, o.agent, 'POST', '/api/v1/cases/bulk', { caseIds: [mine], action: 'claim', priority: 'low' }),
        'priority',
      );
      expect((await getCase(mine)).priority).toBe('high');
    });

    it('import takes priority and tags, checked like the API', async () => {
      const item = { subject: 'Imported', type: 'email', teamId: team, status: 'new', createdAt: EARLIER.toISOString() };
      const r = await call(t, o.admin, 'POST', '/api/v1/import/cases', {
        cases: [
          { ...item, priority: 'urgent', tags: ['Legacy', 'vip', 'legacy'] },
          { ...item, tags: ['a,b', 'quote"d'] },
        ],
      });
      expect(r.statusCode, JSON.stringify(r.data)).toBe(201);
      expect(await getCase(r.data.ids[0])).toMatchObject({ priority: 'urgent', tags: ['legacy', 'vip'] });
      expect(await getCase(r.data.ids[1])).toMatchObject({ priority: 'normal', tags: ['a,b', 'quote"d'] });
      const before = (await call(t, o.admin, 'GET', `/api/v1/cases?teamId=${team}`)).data.total;
      expectInvalid(await call(t, o.admin, 'POST', '/api/v1/import/cases', { cases: [{ ...item, priority: 'asap' }] }), 'cases.0.priority');
      expectInvalid(await call(t, o.admin, 'POST', '/api/v1/import/cases', { cases: [{ ...item, tags: [''] }] }), 'cases.0.tags.0');
      await setManaged(['vip']);
      try {
        expectInvalid(await call(t, o.admin, 'POST', '/api/v1/import/cases', { cases: [{ ...item, tags: ['other'] }] }), 'cases.0.tags.0');
      } finally {
        await setManaged(null);
      }
      expect((await call(t, o.admin, 'GET', `/api/v1/cases?teamId=${team}`)).data.total).toBe(before);
      const tags = new Map(
        (await call(t, o.admin, 'GET', '/api/v1/tags')).data.tags.map((x: { name: string; count: number }) => [x.name, x.count]),
      );
      expect(tags.get('legacy')).toBeGreaterThanOrEqual(1); // imports are counted by the insert trigger
    });
  });
});
