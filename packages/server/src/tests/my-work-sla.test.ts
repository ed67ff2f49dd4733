import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileSla, slaView, type SlaFacts, type Status } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { seedCase, solvedBy } from '../test-support/case-fixtures.ts';
import { writeSla } from '../db/repos/sla.ts';

/**
 * My Work's cards carry each case's SLA clocks (SPEC §12): the next unassigned case and every
 * section's cards, from the one statement My Work reads and from a section's further pages, show
 * the same `sla` the case itself answers with — states at the server's clock (ok, due soon,
 * breached), null for a case no policy applies to.
 */
const MIN = 60_000;
const NOW = new Date('2026-03-10T12:00:00Z');
const POLICY = { id: 'p', calendarId: null, targets: { firstResponse: 60, resolution: 600 } };

describe.each(DB_KINDS)("My Work cards' SLA (%s)", (kind) => {
  let t: TestApp;
  let team: string;
  let agent: TestUser;
  const clock = fixedClock(NOW);
  /** Expected `sla` by case id. */
  const expected = new Map<string, unknown>();

  /** A case created `ago` minutes before now with the clocks the write path keeps (none: no policy). */
  const seeded = async (status: Status, ago: number, withPolicy: boolean) => {
    const createdAt = new Date(NOW.getTime() - ago * MIN);
    const id = await seedCase(t.db, { teamId: team, status, ownerId: status === 'new' ? null : agent.id, createdAt });
    if (!withPolicy) {
      expected.set(id, null);
      return id;
    }
    const facts: SlaFacts = { status: 'new', createdAt, firstResponseAt: null, awaitingReplySince: null, solved: false };
    let record = reconcileSla(null, facts, POLICY, null, createdAt).record;
    if (status !== 'new') record = reconcileSla(record, { ...facts, status, solved: solvedBy(status) }, POLICY, null, createdAt).record;
    await writeSla(t.db.kysely, id, record, status);
    expected.set(id, JSON.parse(JSON.stringify(slaView(record, NOW))));
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    team = await makeTeam(t.db, 'Support');
    agent = await makeUser(t.db, { role: 'agent', teamIds: [team], timeZone: 'UTC' });
    await seeded('new', 90, true); // the queue's only case: first response breached
    await seeded('ready', 10, true); // on time
    await seeded('ready', 55, true); // due soon (past 80 % of 60 minutes)
    await seeded('ready', 120, true); // breached
    await seeded('ready', 5, false); // no policy
    await seeded('waiting', 30, true); // paused while waiting
  });
  afterAll(() => t.close());

  it('every card of GET /me/work carries the sla the case answers with, in each state', async () => {
    const r = await call(t, agent, 'GET', '/api/v1/me/work');
    expect(r.statusCode, r.body).toBe(200);
    const cards = [r.data.next.case, ...r.data.sections.flatMap((s: { cases: unknown[] }) => s.cases)] as { id: string; sla: unknown }[];
    expect(new Set(cards.map((c) => c.id))).toEqual(new Set(expected.keys()));
    for (const card of cards) {
      expect(card.sla, card.id).toEqual(expected.get(card.id));
      const one = await call(t, agent, 'GET', `/api/v1/cases/${card.id}`);
      expect(one.data.sla, card.id).toEqual(card.sla);
    }
    const ready = r.data.sections.find((s: { key: string }) => s.key === 'ready').cases as {
      sla: { targets: { state: string }[] } | null;
    }[];
    const states = ready.map((c) => c.sla?.targets.find((x) => x.state !== 'ok')?.state ?? (c.sla ? 'ok' : 'none'));
    expect(new Set(states)).toEqual(new Set(['ok', 'due_soon', 'breached', 'none']));
    expect(r.data.next.case.sla.targets.find((x: { kind: string }) => x.kind === 'firstResponse').state).toBe('breached');
  });

  it("a section's further pages carry the same sla", async () => {
    const r = await call(t, agent, 'GET', '/api/v1/me/work/sections/ready?limit=2');
    expect(r.statusCode, r.body).toBe(200);
    const all = [...r.data.cases];
    const more = await call(t, agent, 'GET', `/api/v1/me/work/sections/ready?limit=2&cursor=${encodeURIComponent(r.data.nextCursor)}`);
    all.push(...more.data.cases);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const c of all) expect(c.sla, c.id).toEqual(expected.get(c.id));
  });
});
