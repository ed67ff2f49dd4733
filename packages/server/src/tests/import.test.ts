import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

const NOW = new Date('2026-03-10T14:00:00Z');
const URL = '/api/v1/import/cases';

describe.each(DB_KINDS)('POST /api/v1/import/cases (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let other: string;
  let admin: TestUser;
  let agent: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    team = await makeTeam(t.db, 'Support');
    other = await makeTeam(t.db, 'Billing');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team] });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team], timeZone: 'UTC' });
    outsider = await makeUser(t.db, { role: 'agent', teamIds: [other] });
  });
  afterAll(() => t.close());

  const count = async (table: 'cases' | 'customers' | 'case_events') =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db.kysely)).rows[0]!.n;

  it('401 without credentials, 403 without case.import', async () => {
    const body = { cases: [{ subject: 'x', type: 'email', teamId: team, status: 'new', createdAt: NOW.toISOString() }] };
    expect((await call(t, null, 'POST', URL, body)).statusCode).toBe(401);
    const r = await call(t, agent, 'POST', URL, body);
    expect(r.statusCode).toBe(403);
    expect(r.data.code).toBe('forbidden');
  });

  it('400 naming every bad item and field, and nothing is written', async () => {
    const before = await count('cases');
    const at = '2026-01-05T10:00:00Z';
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        { subject: 'fine', type: 'email', teamId: team, status: 'new', createdAt: at, customer: { email: 'keep@out.test' } },
        { subject: 'new with owner', type: 'email', teamId: team, status: 'new', ownerId: agent.id, createdAt: at },
        { subject: 'owner not a member', type: 'email', teamId: team, status: 'ready', ownerId: outsider.id, createdAt: at },
        { subject: 'wake on ready', type: 'sms', teamId: team, status: 'ready', wakeAt: at, createdAt: at },
        { subject: 'unknown team', type: 'phone', teamId: '01890000-0000-7000-8000-000000000000', status: 'new', createdAt: at },
        { subject: 'bad resolution', type: 'email', teamId: team, status: 'resolved', resolution: 'canceled', createdAt: at },
        {
          subject: 'resolved before created',
          type: 'email',
          teamId: team,
          status: 'closed',
          createdAt: at,
          resolvedAt: '2026-01-01T00:00:00Z',
        },
        {
          subject: 'unknown follower',
          type: 'email',
          teamId: team,
          status: 'ready',
          createdAt: at,
          collaboratorIds: ['01890000-0000-7000-8000-000000000001'],
        },
      ],
    });
    expect(r.statusCode).toBe(400);
    expect(r.data.code).toBe('validation_failed');
    const fields = r.data.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'cases.1.ownerId',
        'cases.2.ownerId',
        'cases.3.wakeAt',
        'cases.4.teamId',
        'cases.5.resolution',
        'cases.6.resolvedAt',
        'cases.7.collaboratorIds.0',
      ]),
    );
    expect(fields.some((f: string) => f.startsWith('cases.0.'))).toBe(false);
    expect(await count('cases')).toBe(before);
    const leaked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers WHERE email = 'keep@out.test'`.execute(t.db.kysely);
    expect(leaked.rows[0]!.n).toBe(0);
  });

  it('400 for schema errors inside an item (unknown status, missing createdAt)', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [{ subject: 'x', type: 'email', teamId: team, status: 'open', createdAt: NOW.toISOString() }],
    });
    expect(r.statusCode).toBe(400);
    expect(r.data.fields[0].field).toMatch(/^cases\.0\./);
    const empty = await call(t, admin, 'POST', URL, { cases: [] });
    expect(empty.statusCode).toBe(400);
    // A URN-style id passes the uuid format but names nothing the database can read: 400, not 500.
    const urn = await call(t, admin, 'POST', URL, {
      cases: [{ subject: 'x', type: 'email', teamId: `urn:uuid:${team}`, status: 'new', createdAt: NOW.toISOString() }],
    });
    expect([urn.statusCode, urn.data.fields?.[0]?.field]).toEqual([400, 'cases.0.teamId']);
  });

  it('201 with ids in input order; keeps times, status, resolution, customer and followers', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        {
          subject: 'Old email',
          type: 'email',
          teamId: team,
          status: 'closed',
          ownerId: agent.id,
          createdAt: '2025-06-01T08:00:00Z',
          resolvedAt: '2025-06-03T09:30:00Z',
          customer: { name: 'Ada', email: 'Ada@Example.test' },
        },
        {
          subject: 'Canceled call',
          type: 'phone',
          teamId: team,
          status: 'canceled',
          createdAt: '2025-07-01T08:00:00Z',
          customer: { email: 'ada@example.test', phone: '+4930111' },
        },
        {
          subject: 'Snoozed',
          type: 'sms',
          teamId: team,
          status: 'waiting',
          ownerId: agent.id,
          createdAt: '2026-03-01T08:00:00Z',
          wakeAt: '2026-03-12T08:00:00Z',
          collaboratorIds: [admin.id],
        },
      ],
    });
    expect(r.statusCode).toBe(201);
    expect(r.data.ids).toHaveLength(3);
    const [closed, canceled, waiting] = await Promise.all(r.data.ids.map((id: string) => call(t, admin, 'GET', `/api/v1/cases/${id}`)));
    expect(closed!.data).toMatchObject({
      subject: 'Old email',
      status: 'closed',
      resolution: 'completed',
      ownerId: agent.id,
      createdAt: '2025-06-01T08:00:00.000Z',
      updatedAt: '2025-06-03T09:30:00.000Z',
      resolvedAt: '2025-06-03T09:30:00.000Z',
    });
    expect(closed!.data.reference).toMatch(/^[A-Z2-9]{6}$/);
    expect(canceled!.data).toMatchObject({
      status: 'canceled',
      resolution: 'canceled',
      ownerId: null,
      resolvedAt: '2025-07-01T08:00:00.000Z',
    });
    expect(canceled!.data.customer.id).toBe(closed!.data.customer.id);
    expect(canceled!.data.customer).toMatchObject({ name: 'Ada', email: 'Ada@Example.test', phone: '+4930111' });
    expect(waiting!.data).toMatchObject({
      status: 'waiting',
      wakeAt: '2026-03-12T08:00:00.000Z',
      collaboratorIds: [admin.id],
      updatedAt: '2026-03-01T08:00:00.000Z',
    });
    const events = await call(t, admin, 'GET', `/api/v1/cases/${closed!.data.id}/events`);
    expect(events.data.events).toHaveLength(1);
    expect(events.data.events[0]).toMatchObject({ type: 'case.imported', actorId: admin.id, data: { status: 'closed', type: 'email' } });
  });

  it('imported cases land in the right My Work sections and the queue', async () => {
    const base = { teamId: team };
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        { ...base, subject: 'Queue today', type: 'email', status: 'new', createdAt: '2026-03-10T09:00:00Z' },
        { ...base, subject: 'My chat', type: 'web_connect', status: 'ready', ownerId: agent.id, createdAt: '2026-03-10T10:00:00Z' },
        { ...base, subject: 'My ready', type: 'email', status: 'ready', ownerId: agent.id, createdAt: '2026-03-09T10:00:00Z' },
        {
          ...base,
          subject: 'Solved today',
          type: 'phone',
          status: 'resolved',
          ownerId: agent.id,
          createdAt: '2026-03-08T10:00:00Z',
          resolvedAt: '2026-03-10T08:00:00Z',
          resolution: 'unresolved',
        },
        {
          ...base,
          subject: 'Solved before',
          type: 'phone',
          status: 'resolved',
          ownerId: agent.id,
          createdAt: '2026-03-08T10:00:00Z',
          resolvedAt: '2026-03-09T08:00:00Z',
        },
        { ...base, subject: 'Followed', type: 'sms', status: 'ready', createdAt: '2026-03-07T10:00:00Z', collaboratorIds: [agent.id] },
      ],
    });
    expect(r.statusCode).toBe(201);
    const ids: string[] = r.data.ids;
    const w = await call(t, agent, 'GET', '/api/v1/me/work');
    expect(w.statusCode).toBe(200);
    expect(w.data.next.case.id).toBe(ids[0]);
    const section = (key: string) => w.data.sections.find((s: { key: string }) => s.key === key).cases.map((c: { id: string }) => c.id);
    expect(section('active_chats')).toEqual([ids[1]]);
    expect(section('ready')).toEqual([ids[2]]);
    expect(section('waiting')).toHaveLength(1); // the snoozed case of the previous test
    expect(section('solved_today')).toEqual([ids[3]]);
    expect(section('following')).toEqual([ids[5]]);
  });

  it('a followed case of another team is listed and counted once for the follower', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        {
          subject: 'Elsewhere, followed',
          type: 'email',
          teamId: other,
          status: 'ready',
          createdAt: '2026-03-02T10:00:00Z',
          collaboratorIds: [agent.id],
        },
        { subject: 'Elsewhere, not followed', type: 'email', teamId: other, status: 'new', createdAt: '2026-03-02T11:00:00Z' },
      ],
    });
    expect(r.statusCode).toBe(201);
    const list = await call(t, agent, 'GET', '/api/v1/cases?limit=200');
    const ids = list.data.cases.map((c: { id: string }) => c.id);
    expect(ids).toContain(r.data.ids[0]);
    expect(ids).not.toContain(r.data.ids[1]);
    expect(list.data.total).toBe(ids.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an Idempotency-Key repeat returns the first answer without importing twice', async () => {
    const before = await count('cases');
    const body = { cases: [{ subject: 'Once', type: 'platform', teamId: other, status: 'new', createdAt: '2026-02-01T00:00:00Z' }] };
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: URL,
        payload: JSON.stringify(body),
        headers: { ...admin.headers, 'content-type': 'application/json', 'idempotency-key': 'imp-1' },
      });
    const a = await send();
    const b = await send();
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(JSON.parse(b.body).ids).toEqual(JSON.parse(a.body).ids);
    expect(await count('cases')).toBe(before + 1);
  });

  it('takes bodies larger than the default limit: 2,000 cases in one request, matching customers in bulk', async () => {
    const before = { cases: await count('cases'), customers: await count('customers'), events: await count('case_events') };
    const cases = Array.from({ length: 2000 }, (_, i) => ({
      subject: `Bulk ${i}`,
      type: 'email',
      teamId: other,
      status: i % 2 ? 'resolved' : 'new',
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
      description: 'x'.repeat(1000),
      customer: { email: `c${i % 100}@bulk.test`, name: `C${i % 100}` },
    }));
    const r = await call(t, admin, 'POST', URL, { cases });
    expect(r.statusCode).toBe(201);
    expect(new Set(r.data.ids).size).toBe(2000);
    expect(await count('cases')).toBe(before.cases + 2000);
    expect(await count('customers')).toBe(before.customers + 100);
    expect(await count('case_events')).toBe(before.events + 2000);
    const refs = await sql<{ n: number }>`SELECT count(DISTINCT reference)::int AS n FROM cases`.execute(t.db.kysely);
    expect(refs.rows[0]!.n).toBe(await count('cases'));
  });
});
