import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimQueued, dayBounds } from '@casework/domain';
import { claimFromQueue, type QueueClaim } from '../db/repos/claim-queue.ts';
import { DB_KINDS, call, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';

/**
 * Several agents' claims in one statement (casework_claim_next_batch): applied in request order,
 * each to a case still queued, so one batch never hands a case out twice, and every outcome comes
 * back to its own request.
 */
describe.each(DB_KINDS)('claims batched in one statement (%s)', (kind) => {
  let t: TestApp;
  let support: string;
  let billing: string;
  let admin: TestUser;
  let agents: TestUser[];

  beforeAll(async () => {
    t = await startTestApp(kind);
    support = await makeTeam(t.db, 'Support');
    billing = await makeTeam(t.db, 'Billing');
    admin = await makeUser(t.db, { role: 'admin', teamIds: [support, billing] });
    agents = [];
    for (let i = 0; i < 4; i++) agents.push(await makeUser(t.db, { role: 'agent', teamIds: [support] }));
  });
  afterAll(() => t.close());

  async function batch(requests: { user: TestUser; teams: string[] }[]): Promise<QueueClaim[]> {
    const now = new Date();
    return claimFromQueue(t.db.kysely, {
      now,
      status: claimQueued('x', now).changes.status!,
      requests: requests.map((q) => ({
        actorId: q.user.id,
        teamIds: q.teams,
        today: dayBounds(now, 'UTC'),
        events: claimQueued(q.user.id, now).events,
      })),
    });
  }

  it('hands the queue out in order, a different case to each request, and says empty to the rest', async () => {
    const made: string[] = [];
    for (const type of ['email', 'phone', 'web_connect'] as const) {
      const r = await call(t, admin, 'POST', '/api/v1/cases', { subject: `Batch ${type}`, teamId: support, type });
      expect(r.statusCode).toBe(201);
      made.push(r.data.id);
    }
    // The first request gets what My Work offers as next; the others the rest of the queue.
    const next = (await call(t, admin, 'GET', '/api/v1/me/work')).data.next.case.id;
    const answers = await batch([
      { user: agents[0]!, teams: [support] },
      { user: agents[1]!, teams: [support] },
      { user: agents[2]!, teams: [billing] },
      { user: agents[3]!, teams: [support] },
      { user: agents[0]!, teams: [support] },
    ]);
    expect(answers.map((a) => a.kind)).toEqual(['claimed', 'claimed', 'empty', 'claimed', 'empty']);
    const claimed = answers.flatMap((a) => (a.kind === 'claimed' ? [a.row] : []));
    expect(claimed[0]!.id).toBe(next);
    expect(new Set(claimed.map((r) => r.id))).toEqual(new Set(made));
    expect(claimed.map((r) => r.owner_id)).toEqual([agents[0]!.id, agents[1]!.id, agents[3]!.id]);
    for (const a of answers) if (a.kind === 'claimed') expect(a.eventIds).toHaveLength(claimQueued('x', new Date()).events.length);
    for (const [i, id] of made.entries()) {
      const events = await call(t, admin, 'GET', `/api/v1/cases/${id}/events`);
      const claimedEvents = events.data.events.filter((e: { type: string }) => e.type === 'case.claimed');
      expect(claimedEvents, `case ${i}`).toHaveLength(1);
      // Each claim's history carries its own agent, not another request's of the batch.
      const owner = claimed.find((r) => r.id === id)!.owner_id;
      expect(claimedEvents[0].actorId).toBe(owner);
      expect(claimedEvents[0].data.ownerId).toBe(owner);
    }
  });

  it('a request with no teams is answered empty without touching the queue', async () => {
    const r = await call(t, admin, 'POST', '/api/v1/cases', { subject: 'Stays queued', teamId: support, type: 'email' });
    const answers = await batch([{ user: agents[0]!, teams: [] }]);
    expect(answers).toEqual([{ kind: 'empty' }]);
    expect((await call(t, admin, 'GET', `/api/v1/cases/${r.data.id}`)).data.status).toBe('new');
  });
});
