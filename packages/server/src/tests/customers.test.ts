import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { expectProblem, expectRefused, makeOrg, UNKNOWN_ID, type Org } from '../test-support/case-fixtures.ts';

type Listed = { id: string; name: string | null; email: string | null; phone: string | null; caseCount: number };

describe.each(DB_KINDS)('customers: list, profile, edit, merge (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  let merger: TestUser;
  // Xena writes to both teams; Yuri only to team B; Zoe only to team A.
  const ids = { xena: '', yuri: '', zoe: '' };
  const cases = { xenaA: '', xenaB: '', xenaA2: '', xenaA3: '', yuriB: '', zoeA: '' };

  const create = async (user: TestUser, teamId: string, subject: string, customer: object) => {
    const r = await call(t, user, 'POST', '/api/v1/cases', { subject, teamId, customer });
    expect(r.statusCode).toBe(201);
    return r.data as { id: string; customer: { id: string } };
  };
  const list = async (user: TestUser, qs = ''): Promise<Listed[]> => {
    const r = await call(t, user, 'GET', `/api/v1/customers${qs}`);
    expect(r.statusCode).toBe(200);
    return r.data.customers;
  };
  const customerRow = async (id: string) =>
    (
      await sql<{
        name: string | null;
        email: string | null;
        phone: string | null;
      }>`SELECT name, email, phone FROM customers WHERE id = ${id}::uuid`.execute(t.db.kysely)
    ).rows[0];

  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
    await sql`INSERT INTO roles (id, name, permissions, built_in) VALUES ('merger', 'Merger', ${['case.view_team', 'customer.merge']}::text[], false)`.execute(
      t.db.kysely,
    );
    merger = await makeUser(t.db, { role: 'merger', teamIds: [o.teamA], name: 'Mia Merger' });
    const a = await create(o.agent, o.teamA, 'Printer jams', { name: 'Xena Warrior', email: 'xena@example.com' });
    const b = await create(o.agentB, o.teamB, 'Invoice wrong', { email: 'XENA@example.com' });
    const a2 = await create(o.agent, o.teamA, 'Printer again', { email: 'xena@example.com' });
    const y = await create(o.agentB, o.teamB, 'Secret matter', {
      name: 'Yuri Hidden',
      email: 'yuri@example.org',
      phone: '+44 20 7946 0000',
    });
    const z = await create(o.agent, o.teamA, 'Hello', { name: 'Zoe Zed', phone: '+49 30 1234567' });
    Object.assign(ids, { xena: a.customer.id, yuri: y.customer.id, zoe: z.customer.id });
    Object.assign(cases, { xenaA: a.id, xenaB: b.id, xenaA2: a2.id, yuriB: y.id, zoeA: z.id });
    expect(b.customer.id).toBe(ids.xena);
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.id}/claim`);
    await call(t, o.agent, 'POST', `/api/v1/cases/${a.id}/resolve`, { resolution: 'completed' });
  });
  afterAll(() => t.close());

  it('401 without credentials on every customer endpoint', async () => {
    expectProblem(await call(t, null, 'GET', '/api/v1/customers'), 401, 'unauthenticated');
    expectProblem(await call(t, null, 'GET', `/api/v1/customers/${ids.xena}`), 401, 'unauthenticated');
    await expectRefused(t, null, 'PATCH', `/api/v1/customers/${ids.xena}`, { name: 'X' }, 401, 'unauthenticated');
    await expectRefused(t, null, 'POST', `/api/v1/customers/${ids.yuri}/merge`, { intoCustomerId: ids.xena }, 401, 'unauthenticated');
  });

  it('the list shows only customers with a case the user sees, counting only those cases, by name', async () => {
    const admin = await list(o.admin);
    expect(admin.map((c) => [c.name, c.caseCount])).toEqual([
      ['Xena Warrior', 3],
      ['Yuri Hidden', 1],
      ['Zoe Zed', 1],
    ]);
    expect(admin[1]).toEqual({ id: ids.yuri, name: 'Yuri Hidden', email: 'yuri@example.org', phone: '+442079460000', caseCount: 1 });
    expect((await list(o.agent)).map((c) => [c.name, c.caseCount])).toEqual([
      ['Xena Warrior', 2],
      ['Zoe Zed', 1],
    ]);
    expect((await list(o.viewer)).map((c) => c.name)).toEqual(['Xena Warrior', 'Zoe Zed']);
    expect((await list(o.agentB)).map((c) => [c.name, c.caseCount])).toEqual([
      ['Xena Warrior', 1],
      ['Yuri Hidden', 1],
    ]);
  });

  it('a follower sees the customer of the case they follow, and only that case', async () => {
    await call(t, o.supervisor, 'POST', `/api/v1/cases/${cases.yuriB}/collaborators`, { userId: o.viewer.id });
    expect((await list(o.viewer)).map((c) => [c.name, c.caseCount])).toContainEqual(['Yuri Hidden', 1]);
    await call(t, o.supervisor, 'DELETE', `/api/v1/cases/${cases.yuriB}/collaborators/${o.viewer.id}`);
    expect((await list(o.viewer)).map((c) => c.name)).not.toContain('Yuri Hidden');
  });

  it('search matches a part of the name, email or phone; short searches match the start of the name; never invisible ones', async () => {
    expect((await list(o.admin, '?q=warr')).map((c) => c.id)).toEqual([ids.xena]);
    expect((await list(o.admin, '?q=EXAMPLE.ORG')).map((c) => c.id)).toEqual([ids.yuri]);
    expect((await list(o.admin, '?q=1234')).map((c) => c.id)).toEqual([ids.zoe]);
    expect((await list(o.admin, '?q=zo')).map((c) => c.id)).toEqual([ids.zoe]);
    expect((await list(o.admin, '?q=x')).map((c) => c.id)).toEqual([ids.xena]);
    expect(await list(o.agent, '?q=yuri')).toEqual([]);
    expect(await list(o.agent, '?q=%25')).toEqual([]);
  });

  it('pages with a cursor to the end, each customer once; a foreign cursor is a 400 naming it', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { data: { customers: Listed[]; nextCursor: string | null } } = await call(
        t,
        o.admin,
        'GET',
        `/api/v1/customers?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.data.customers.map((c) => c.id));
      cursor = r.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.xena, ids.yuri, ids.zoe]);
    const p = expectProblem(await call(t, o.admin, 'GET', '/api/v1/customers?cursor=nonsense'), 400, 'validation_failed');
    expect(p.fields).toEqual([{ field: 'cursor', message: expect.any(String) }]);
  });

  it('the profile lists the visible cases newest first with status; invisible and unknown customers are 404', async () => {
    const r = await call(t, o.agent, 'GET', `/api/v1/customers/${ids.xena}`);
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({ id: ids.xena, name: 'Xena Warrior', email: 'xena@example.com', caseCount: 2, casesNextCursor: null });
    expect(r.data.cases.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      [cases.xenaA2, 'new'],
      [cases.xenaA, 'resolved'],
    ]);
    const open = await call(t, o.agent, 'GET', `/api/v1/customers/${ids.xena}?open=true`);
    expect(open.data.cases.map((c: { id: string }) => c.id)).toEqual([cases.xenaA2]);
    const admin = await call(t, o.admin, 'GET', `/api/v1/customers/${ids.xena}?casesLimit=2`);
    expect(admin.data.cases.map((c: { id: string }) => c.id)).toEqual([cases.xenaA2, cases.xenaB]);
    const rest = await call(t, o.admin, 'GET', `/api/v1/customers/${ids.xena}?casesLimit=2&casesCursor=${admin.data.casesNextCursor}`);
    expect(rest.data.cases.map((c: { id: string }) => c.id)).toEqual([cases.xenaA]);
    expectProblem(await call(t, o.agent, 'GET', `/api/v1/customers/${ids.yuri}`), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'GET', `/api/v1/customers/${UNKNOWN_ID}`), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'GET', '/api/v1/customers/not-an-id'), 404, 'not_found');
    expectProblem(await call(t, o.agent, 'GET', `/api/v1/customers/${ids.xena}?casesCursor=x`), 400, 'validation_failed');
  });

  it('edit: 403 without customer.edit, 404 for invisible or unknown, 400/409 naming the field, nothing changed', async () => {
    await expectRefused(t, o.viewer, 'PATCH', `/api/v1/customers/${ids.xena}`, { name: 'X' }, 403, 'forbidden');
    await expectRefused(t, o.agent, 'PATCH', `/api/v1/customers/${ids.yuri}`, { name: 'Y' }, 404, 'not_found');
    await expectRefused(t, o.agent, 'PATCH', `/api/v1/customers/${UNKNOWN_ID}`, { name: 'Y' }, 404, 'not_found');
    const before = await customerRow(ids.xena);
    const bad = await expectRefused(
      t,
      o.agent,
      'PATCH',
      `/api/v1/customers/${ids.xena}`,
      { name: 'New', email: 'not an email' },
      400,
      'validation_failed',
    );
    expect(bad.fields.map((f: { field: string }) => f.field)).toEqual(['email']);
    const empty = await expectRefused(
      t,
      o.agent,
      'PATCH',
      `/api/v1/customers/${ids.zoe}`,
      { name: ' ', phone: null },
      400,
      'validation_failed',
    );
    expect(empty.fields.map((f: { field: string }) => f.field)).toEqual(['name']);
    const long = await expectRefused(
      t,
      o.agent,
      'PATCH',
      `/api/v1/customers/${ids.xena}`,
      { name: 'n'.repeat(201) },
      400,
      'validation_failed',
    );
    expect(long.fields.map((f: { field: string }) => f.field)).toEqual(['name']);
    const taken = await expectRefused(t, o.agent, 'PATCH', `/api/v1/customers/${ids.xena}`, { email: 'YURI@example.org' }, 409, 'conflict');
    expect(taken.fields).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect(await customerRow(ids.xena)).toEqual(before);
  });

  it('edit: an agent changes the contact details of a customer they see', async () => {
    const r = await call(t, o.agent, 'PATCH', `/api/v1/customers/${ids.zoe}`, { name: '  Zoe Zed-Smith ', email: 'zoe@example.net' });
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({ id: ids.zoe, name: 'Zoe Zed-Smith', email: 'zoe@example.net', phone: '+49301234567', caseCount: 1 });
    const c = await call(t, o.agent, 'GET', `/api/v1/cases/${cases.zoeA}`);
    expect(c.data.customer).toMatchObject({ name: 'Zoe Zed-Smith', email: 'zoe@example.net' });
    const cleared = await call(t, o.agent, 'PATCH', `/api/v1/customers/${ids.zoe}`, { email: '' });
    expect(cleared.data.email).toBeNull();
  });

  it('a new case names an existing customer by id: only one the user sees; not together with customer details', async () => {
    const r = await call(t, o.agent, 'POST', '/api/v1/cases', { subject: 'Follow-up call', teamId: o.teamA, customerId: ids.xena });
    expect(r.statusCode).toBe(201);
    expect(r.data.customer).toMatchObject({ id: ids.xena, name: 'Xena Warrior' });
    const hidden = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 'x', teamId: o.teamA, customerId: ids.yuri },
      400,
      'validation_failed',
    );
    expect(hidden.fields.map((f: { field: string }) => f.field)).toEqual(['customerId']);
    const both = await expectRefused(
      t,
      o.agent,
      'POST',
      '/api/v1/cases',
      { subject: 'x', teamId: o.teamA, customerId: ids.xena, customer: { name: 'X' } },
      400,
      'validation_failed',
    );
    expect(both.fields.map((f: { field: string }) => f.field)).toEqual(['customerId']);
    cases.xenaA3 = r.data.id;
  });

  it('merge: 403 without customer.merge; 400 into itself or an unknown or invisible customer; 404 for an invisible one; nothing changed', async () => {
    await expectRefused(t, o.agent, 'POST', `/api/v1/customers/${ids.zoe}/merge`, { intoCustomerId: ids.xena }, 403, 'forbidden');
    const self = await expectRefused(
      t,
      o.supervisor,
      'POST',
      `/api/v1/customers/${ids.xena}/merge`,
      { intoCustomerId: ids.xena },
      400,
      'validation_failed',
    );
    expect(self.fields.map((f: { field: string }) => f.field)).toEqual(['intoCustomerId']);
    const unknown = await expectRefused(
      t,
      o.supervisor,
      'POST',
      `/api/v1/customers/${ids.xena}/merge`,
      { intoCustomerId: UNKNOWN_ID },
      400,
      'validation_failed',
    );
    expect(unknown.fields.map((f: { field: string }) => f.field)).toEqual(['intoCustomerId']);
    await expectRefused(t, o.supervisor, 'POST', `/api/v1/customers/${UNKNOWN_ID}/merge`, { intoCustomerId: ids.xena }, 404, 'not_found');
    await expectRefused(
      t,
      o.supervisor,
      'POST',
      `/api/v1/customers/${ids.xena}/merge`,
      { intoCustomerId: 'nope' },
      400,
      'validation_failed',
    );
    // Mia may merge but sees only team A: Yuri is as unknown to her as a made-up id.
    await expectRefused(t, merger, 'POST', `/api/v1/customers/${ids.yuri}/merge`, { intoCustomerId: ids.xena }, 404, 'not_found');
    const hidden = await expectRefused(
      t,
      merger,
      'POST',
      `/api/v1/customers/${ids.zoe}/merge`,
      { intoCustomerId: ids.yuri },
      400,
      'validation_failed',
    );
    expect(hidden.fields.map((f: { field: string }) => f.field)).toEqual(['intoCustomerId']);
  });

  it('merge moves every case with a history event, fills in missing details, and the merged email and phone reach the survivor', async () => {
    const r = await call(t, o.supervisor, 'POST', `/api/v1/customers/${ids.yuri}/merge`, { intoCustomerId: ids.xena });
    expect(r.statusCode).toBe(200);
    expect(r.data).toMatchObject({
      id: ids.xena,
      name: 'Xena Warrior',
      email: 'xena@example.com',
      phone: '+442079460000',
      caseCount: 5,
    });
    expect(r.data.mergedIdentities).toEqual([{ name: 'Yuri Hidden', email: 'yuri@example.org', phone: '+442079460000' }]);
    expect(r.data.cases.map((c: { id: string }) => c.id)).toContain(cases.yuriB);
    const moved = await call(t, o.agentB, 'GET', `/api/v1/cases/${cases.yuriB}`);
    expect(moved.data.customer).toMatchObject({ id: ids.xena, name: 'Xena Warrior' });
    const events = await call(t, o.agentB, 'GET', `/api/v1/cases/${cases.yuriB}/events`);
    expect(events.data.events.find((e: { type: string }) => e.type === 'case.customer_changed')).toMatchObject({
      type: 'case.customer_changed',
      actorId: o.supervisor.id,
      data: { from: { customerId: ids.yuri, name: 'Yuri Hidden' }, to: { customerId: ids.xena, name: 'Xena Warrior' }, merged: true },
    });
    // Cases that stayed with the survivor have no such event.
    const kept = await call(t, o.agent, 'GET', `/api/v1/cases/${cases.xenaA2}/events`);
    expect(kept.data.events.map((e: { type: string }) => e.type)).not.toContain('case.customer_changed');
    expectProblem(await call(t, o.supervisor, 'GET', `/api/v1/customers/${ids.yuri}`), 404, 'not_found');
    expect((await list(o.admin)).map((c) => c.id)).toEqual([ids.xena, ids.zoe]);
    expectProblem(
      await call(t, o.supervisor, 'POST', `/api/v1/customers/${ids.yuri}/merge`, { intoCustomerId: ids.zoe }),
      404,
      'not_found',
    );
    const again = await create(o.agentB, o.teamB, 'Me again', { email: 'Yuri@Example.org' });
    expect(again.customer.id).toBe(ids.xena);
    const imported = await call(t, o.admin, 'POST', '/api/v1/import/cases', {
      cases: [
        {
          subject: 'Old one',
          type: 'email',
          teamId: o.teamB,
          status: 'closed',
          createdAt: '2025-01-01T00:00:00Z',
          resolvedAt: '2025-01-02T00:00:00Z',
          customer: { phone: '+44 20 7946 0000' },
        },
      ],
    });
    expect(imported.statusCode).toBe(201);
    const old = await call(t, o.admin, 'GET', `/api/v1/cases/${imported.data.ids[0]}`);
    expect(old.data.customer.id).toBe(ids.xena);
    // Team A's agent still counts only team A's cases of the survivor.
    expect((await list(o.agent)).find((c) => c.id === ids.xena)?.caseCount).toBe(3);
  });

  it('a customer merged into one that is merged later still reaches the last survivor', async () => {
    const r = await call(t, o.admin, 'POST', `/api/v1/customers/${ids.xena}/merge`, { intoCustomerId: ids.zoe });
    expect(r.statusCode).toBe(200);
    expect(r.data.mergedIdentities.map((m: { email: string | null }) => m.email).sort()).toEqual(['xena@example.com', 'yuri@example.org']);
    const c = await create(o.agentB, o.teamB, 'Still me', { email: 'yuri@example.org' });
    expect(c.customer.id).toBe(ids.zoe);
  });
});
