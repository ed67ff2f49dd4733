import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

/**
 * Imported cases get their SLA clocks (SPEC §12, §8): each case's record replayed from its
 * imported history (created, public messages, status and resolved time) under the policy its facts
 * match, in the import's transaction, so reports count imported met and breached targets.
 */
const NOW = new Date('2026-03-10T14:00:00Z');
const URL = '/api/v1/import/cases';

describe.each(DB_KINDS)('import: SLA clocks from the imported history (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(NOW) });
    team = await makeTeam(t.db, 'Support');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [team], timeZone: 'UTC' });
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team], timeZone: 'UTC' });
  });
  afterAll(() => t.close());

  const stored = async (id: string) =>
    (
      await sql<{
        sla: { policyId: string } | null;
        sla_first_outcome: string | null;
        sla_resolution_outcome: string | null;
        sla_due_at: Date | null;
      }>`SELECT sla, sla_first_outcome, sla_resolution_outcome, sla_due_at FROM cases WHERE id = ${id}::uuid`.execute(t.db.kysely)
    ).rows[0]!;

  it('no policy: imported cases have no clocks', async () => {
    const r = await call(t, admin, 'POST', URL, {
      cases: [{ subject: 'Before policies', type: 'email', teamId: team, status: 'new', createdAt: '2026-03-10T13:00:00Z' }],
    });
    expect(r.statusCode, r.body).toBe(201);
    expect((await stored(r.data.ids[0])).sla).toBeNull();
  });

  it('closed history gets met and breached outcomes, open cases running clocks, and reports count them', async () => {
    const policy = await call(t, admin, 'POST', '/api/v1/sla-policies', {
      name: 'Round the clock',
      targets: { firstResponse: 60, nextResponse: 30, resolution: 24 * 60 },
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const inbound = (at: string) => ({ direction: 'inbound', body: 'Help', createdAt: at });
    const reply = (at: string) => ({ direction: 'outbound', body: 'On it', authorId: agent.id, createdAt: at });
    const note = (at: string) => ({ direction: 'note', body: 'Looking', authorId: agent.id, createdAt: at });
    const r = await call(t, admin, 'POST', URL, {
      cases: [
        {
          subject: 'Answered and solved in time',
          type: 'email',
          teamId: team,
          ownerId: agent.id,
          status: 'closed',
          createdAt: '2026-03-09T08:00:00Z',
          resolvedAt: '2026-03-09T12:00:00Z',
          messages: [inbound('2026-03-09T08:00:00Z'), note('2026-03-09T08:10:00Z'), reply('2026-03-09T08:30:00Z')],
        },
        {
          subject: 'Answered late, solved late',
          type: 'email',
          teamId: team,
          ownerId: agent.id,
          status: 'resolved',
          createdAt: '2026-03-08T08:00:00Z',
          resolvedAt: '2026-03-09T10:00:00Z',
          messages: [inbound('2026-03-08T08:00:00Z'), note('2026-03-08T08:20:00Z'), reply('2026-03-08T10:00:00Z')],
        },
        {
          subject: 'Open, no answer yet',
          type: 'email',
          teamId: team,
          status: 'new',
          createdAt: '2026-03-10T13:30:00Z',
          messages: [inbound('2026-03-10T13:30:00Z')],
        },
        {
          subject: 'Customer wrote again after the answer',
          type: 'email',
          teamId: team,
          ownerId: agent.id,
          status: 'ready',
          createdAt: '2026-03-10T12:00:00Z',
          messages: [inbound('2026-03-10T12:00:00Z'), reply('2026-03-10T12:20:00Z'), inbound('2026-03-10T13:00:00Z')],
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(201);
    const [inTime, late, open, again] = r.data.ids as string[];

    expect(await stored(inTime!)).toMatchObject({
      sla: { policyId: policy.data.id },
      sla_first_outcome: 'met',
      sla_resolution_outcome: 'met',
      sla_due_at: null,
    });
    expect(await stored(late!)).toMatchObject({ sla_first_outcome: 'breached', sla_resolution_outcome: 'breached', sla_due_at: null });
    expect(await stored(open!)).toMatchObject({ sla_first_outcome: 'running', sla_resolution_outcome: 'running' });

    // the case JSON shows the clocks as the domain reads them at the server's clock
    const shown = (await call(t, admin, 'GET', `/api/v1/cases/${open}`)).data.sla;
    expect(shown.targets.find((x: { kind: string }) => x.kind === 'firstResponse')).toMatchObject({
      dueAt: '2026-03-10T14:30:00.000Z',
      state: 'ok',
    });
    const waiting = (await call(t, admin, 'GET', `/api/v1/cases/${again}`)).data.sla;
    expect(waiting.targets.find((x: { kind: string }) => x.kind === 'firstResponse')).toMatchObject({ metAt: '2026-03-10T12:20:00.000Z' });
    expect(waiting.targets.find((x: { kind: string }) => x.kind === 'nextResponse')).toMatchObject({
      dueAt: '2026-03-10T13:30:00.000Z',
      state: 'breached',
    });
    const breached = await call(t, admin, 'GET', '/api/v1/cases?sla=breached');
    expect(breached.data.cases.map((c: { id: string }) => c.id)).toEqual([again]);

    const report = await call(t, admin, 'GET', '/api/v1/reports/summary?from=2026-03-08&to=2026-03-10');
    expect(report.statusCode, report.body).toBe(200);
    const kinds = Object.fromEntries(report.data.sla.map((x: { kind: string }) => [x.kind, x]));
    expect(kinds.firstResponse).toMatchObject({ met: 2, breached: 1, running: 1 });
    expect(kinds.resolution).toMatchObject({ met: 1, breached: 1, running: 2 });
  });
});
