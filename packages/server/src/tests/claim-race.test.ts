import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

describe.each(DB_KINDS)('claims cannot race (%s)', (kind) => {
  let t: TestApp;
  let team: string;
  let agents: TestUser[];
  let creator: TestUser;

  beforeAll(async () => {
    t = await startTestApp(kind, { poolSize: 24 });
    team = await makeTeam(t.db, 'Support');
    creator = await makeUser(t.db, { role: 'admin', teamIds: [team] });
    agents = [];
    for (let i = 0; i < 50; i++) agents.push(await makeUser(t.db, { role: 'agent', teamIds: [team] }));
  });
  afterAll(() => t.close());

  it('50 agents claiming one case: exactly one 200, 49 already_claimed naming the winner', async () => {
    const created = await call(t, creator, 'POST', '/api/v1/cases', { subject: 'Printer on fire', teamId: team, type: 'email' });
    expect(created.statusCode).toBe(201);
    const id = created.data.id;
    const results = await Promise.all(agents.map((a) => call(t, a, 'POST', `/api/v1/cases/${id}/claim`)));
    const won = results.filter((r) => r.statusCode === 200);
    const lost = results.filter((r) => r.statusCode === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    const winner = won[0]!.data.ownerId;
    expect(lost.every((r) => r.data.code === 'already_claimed' && r.data.ownerId === winner)).toBe(true);
    const after = await call(t, creator, 'GET', `/api/v1/cases/${id}`);
    expect(after.data.ownerId).toBe(winner);
    expect(after.data.status).toBe('ready');
    const events = await call(t, creator, 'GET', `/api/v1/cases/${id}/events`);
    expect(events.data.events.filter((e: { type: string }) => e.type === 'case.claimed')).toHaveLength(1);
  });

  it('20 agents calling claim-next over 200 cases: 200 distinct claims, none twice, no 5xx', async () => {
    for (let i = 0; i < 200; i++) {
      const r = await call(t, creator, 'POST', '/api/v1/cases', {
        subject: `Case ${i}`,
        teamId: team,
        type: (['web_connect', 'email', 'sms', 'phone'] as const)[i % 4],
      });
      expect(r.statusCode).toBe(201);
    }
    const pullers = agents.slice(0, 20);
    const claimed: string[] = [];
    const statuses: number[] = [];
    await Promise.all(
      pullers.map(async (a) => {
        for (;;) {
          const r = await call(t, a, 'POST', '/api/v1/me/work/claim-next');
          statuses.push(r.statusCode);
          if (r.statusCode === 404) {
            expect(r.data.code).toBe('queue_empty');
            return;
          }
          expect(r.statusCode).toBe(200);
          expect(r.data.ownerId).toBe(a.id);
          claimed.push(r.data.id);
        }
      }),
    );
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed).size).toBe(200);
    const list = await call(t, creator, 'GET', `/api/v1/cases?teamId=${team}&status=new&limit=5`);
    expect(list.data.total).toBe(0);
  });
});
