import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  isOpen,
  reconcileSla,
  slaOutcome,
  type Calendar,
  type SlaClock,
  type SlaFacts,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { prng, seedCase, solvedBy } from '../test-support/case-fixtures.ts';
import { writeSla } from '../db/repos/sla.ts';
import { bind, slaOutcomeOfClock, slaOutcomeSql } from '../db/sql-rules.ts';

/**
 * SLA achievement in the report summary (SPEC §12): the targets of the cases created in the range,
 * counted met, breached or running by the domain's slaOutcome at the report's "now", on the day
 * each case was created in the viewer's zone, within their report scope and filters.
 */
const at = (iso: string) => new Date(iso);
const MIN = 60_000;
const NOW = at('2026-03-30T12:00:00Z');
const RANGE = 'from=2026-03-28&to=2026-03-30';
const POLICY = { id: '00000000-0000-7000-8000-00000000aaaa', calendarId: null, targets: { firstResponse: 60, resolution: 480 } };

type Step = { at: string; status: Status; firstResponseAt?: string };

/** A case's clock record after its history, each step reconciled like the write path does. */
function clocks(createdAt: string, steps: Step[]): SlaRecord {
  let facts: SlaFacts = { status: 'new', createdAt: at(createdAt), firstResponseAt: null, awaitingReplySince: null, solved: false };
  let record = reconcileSla(null, facts, POLICY, null, at(createdAt)).record;
  for (const s of steps) {
    facts = {
      ...facts,
      status: s.status,
      solved: solvedBy(s.status),
      firstResponseAt: s.firstResponseAt ? at(s.firstResponseAt) : facts.firstResponseAt,
    };
    record = reconcileSla(record, facts, POLICY, null, at(s.at)).record;
  }
  return record!;
}

type Sla = { kind: string; met: number; breached: number; running: number; achievement: number | null };
type Report = {
  sla: Sla[];
  daily: { date: string; sla: Sla[] }[];
  agents: { agentId: string; slaMet: number; slaBreached: number; slaAchievement: number | null }[];
};
const sla = (kind: string, met: number, breached: number, running: number, achievement: number | null): Sla => ({
  kind,
  met,
  breached,
  running,
  achievement,
});

describe.each(DB_KINDS)('GET /api/v1/reports/summary: SLA achievement (%s)', (kind) => {
  let t: TestApp;
  let x: string, y: string;
  let admin: TestUser, lead: TestUser, agentA: TestUser, agentB: TestUser;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
    [x, y] = [await makeTeam(t.db, 'Billing'), await makeTeam(t.db, 'Shipping')];
    await t.db.kysely
      .insertInto('roles')
      .values({ id: 'team-lead', name: 'Team lead', permissions: ['case.view_team', 'case.follow', 'report.view_team'], built_in: false })
      .execute();
    admin = await makeUser(t.db, { role: 'admin', timeZone: 'Europe/Berlin' });
    lead = await makeUser(t.db, { role: 'team-lead', teamIds: [x], timeZone: 'Europe/Berlin' });
    agentA = await makeUser(t.db, { role: 'agent', teamIds: [x], timeZone: 'Europe/Berlin', name: 'Ada Agent' });
    agentB = await makeUser(t.db, { role: 'agent', teamIds: [x, y], timeZone: 'Europe/Berlin', name: 'Bo Agent' });
  });
  afterAll(() => t.close());

  const report = async (user: TestUser, query = RANGE): Promise<Report> => {
    const r = await call(t, user, 'GET', `/api/v1/reports/summary?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.data;
  };

  const seed = async (c: { teamId: string; ownerId?: string; type?: 'email' | 'sms'; createdAt: string; steps?: Step[] }) => {
    const steps = c.steps ?? [];
    const last = steps[steps.length - 1];
    const status = last?.status ?? (c.ownerId ? 'ready' : 'new');
    const id = await seedCase(t.db, {
      teamId: c.teamId,
      ownerId: c.ownerId ?? null,
      type: c.type ?? 'email',
      status,
      createdAt: at(c.createdAt),
      ...(status === 'resolved' ? { resolvedAt: at(last!.at) } : {}),
    });
    const record = clocks(c.createdAt, steps);
    await writeSla(t.db.kysely, id, record, status);
    return id;
  };

  it('answers no achievement while no policy exists and no case has a target', async () => {
    await seedCase(t.db, { teamId: x, createdAt: at('2026-03-29T10:00:00Z') }); // no clocks, never counted
    const r = await report(admin);
    expect(r.sla).toEqual([]);
    expect(r.daily.every((d) => d.sla.every((s) => s.met + s.breached + s.running === 0))).toBe(true);
  });

  it('counts met, breached (late, or past due though not yet recorded) and running targets, on the day of creation', async () => {
    // Berlin days: the 28th, 29th and 30th (now: the 30th 14:00 Berlin).
    await seed({ teamId: x, createdAt: '2026-03-28T12:00:00Z' }); // never answered: both past due
    await seed({
      teamId: x,
      ownerId: agentA.id,
      createdAt: '2026-03-29T08:00:00Z',
      steps: [
        { at: '2026-03-29T08:30:00Z', status: 'ready', firstResponseAt: '2026-03-29T08:30:00Z' },
        { at: '2026-03-29T12:00:00Z', status: 'resolved' },
      ],
    }); // both met
    await seed({
      teamId: x,
      ownerId: agentA.id,
      createdAt: '2026-03-29T09:00:00Z',
      steps: [{ at: '2026-03-29T11:00:00Z', status: 'ready', firstResponseAt: '2026-03-29T11:00:00Z' }],
    }); // answered late; resolution past due
    await seed({
      teamId: y,
      ownerId: agentB.id,
      createdAt: '2026-03-30T11:30:00Z',
      steps: [{ at: '2026-03-30T11:31:00Z', status: 'ready' }],
    }); // both running
    await seed({
      teamId: x,
      ownerId: agentB.id,
      type: 'sms',
      createdAt: '2026-03-30T08:00:00Z',
      steps: [{ at: '2026-03-30T08:10:00Z', status: 'waiting', firstResponseAt: '2026-03-30T08:10:00Z' }],
    }); // answered in time; resolution paused
    await seed({ teamId: x, createdAt: '2026-03-27T10:00:00Z' }); // before the range
    await t.db.kysely
      .insertInto('sla_policies')
      .values({
        id: POLICY.id,
        name: 'Standard',
        position: 1,
        conditions: JSON.stringify({}),
        targets: JSON.stringify(POLICY.targets),
        calendar_id: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();

    const r = await report(admin);
    expect(r.sla).toEqual([sla('firstResponse', 2, 2, 1, 50), sla('resolution', 1, 2, 2, 33.3)]);
    expect(r.daily.map((d) => [d.date, d.sla])).toEqual([
      ['2026-03-28', [sla('firstResponse', 0, 1, 0, 0), sla('resolution', 0, 1, 0, 0)]],
      ['2026-03-29', [sla('firstResponse', 1, 1, 0, 50), sla('resolution', 1, 1, 0, 50)]],
      ['2026-03-30', [sla('firstResponse', 1, 0, 1, 100), sla('resolution', 0, 0, 2, null)]],
    ]);
    const agents = Object.fromEntries(r.agents.map((a) => [a.agentId, [a.slaMet, a.slaBreached, a.slaAchievement]]));
    expect(agents).toEqual({ [agentA.id]: [2, 2, 50], [agentB.id]: [1, 0, 100] });

    // In UTC the case created at 2026-03-28T12:00Z is still the 28th; the whole range agrees.
    const utc = await makeUser(t.db, { role: 'admin', timeZone: 'UTC' });
    expect((await report(utc)).sla).toEqual(r.sla);
    // A range after the cases: nothing counted, both targets listed.
    expect((await report(admin, 'from=2026-03-31&to=2026-03-31')).sla).toEqual([
      sla('firstResponse', 0, 0, 0, null),
      sla('resolution', 0, 0, 0, null),
    ]);
  });

  it('a running target becomes breached when its due time passes, without any write', async () => {
    clock.set(at('2026-03-30T12:45:00Z')); // the case created at 11:30 was due at 12:30
    try {
      expect((await report(admin, 'from=2026-03-30&to=2026-03-30')).sla[0]).toEqual(sla('firstResponse', 1, 1, 0, 50));
    } finally {
      clock.set(NOW);
    }
  });

  it('obeys the report scope: a supervisor limited to a team, an agent their own cases', async () => {
    const l = await report(lead);
    expect(l.sla).toEqual([sla('firstResponse', 2, 2, 0, 50), sla('resolution', 1, 2, 1, 33.3)]);
    const b = await report(agentB);
    expect(b.sla).toEqual([sla('firstResponse', 1, 0, 1, 100), sla('resolution', 0, 0, 2, null)]);
    expect(b.agents.map((a) => [a.agentId, a.slaMet, a.slaBreached])).toEqual([[agentB.id, 1, 0]]);
    // Another agent's work asked for by an agent: nothing.
    const other = await report(agentB, `${RANGE}&agentId=${agentA.id}`);
    expect(other.sla.map((s) => s.met + s.breached + s.running)).toEqual([0, 0]);
    expect(other.agents).toEqual([]);
  });

  it('obeys the team, type and agent filters', async () => {
    const teamY = await report(admin, `${RANGE}&teamId=${y}`);
    expect(teamY.sla).toEqual([sla('firstResponse', 0, 0, 1, null), sla('resolution', 0, 0, 1, null)]);
    // Bo's only case there has running targets: no figure of his to show, so no row.
    expect(teamY.agents).toEqual([]);
    expect((await report(admin, `${RANGE}&type=sms`)).sla).toEqual([sla('firstResponse', 1, 0, 0, 100), sla('resolution', 0, 0, 1, null)]);
    const a = await report(admin, `${RANGE}&agentId=${agentA.id}`);
    expect(a.sla).toEqual([sla('firstResponse', 1, 1, 0, 50), sla('resolution', 1, 1, 0, 50)]);
    expect(a.agents.map((r) => r.agentId)).toEqual([agentA.id]);
  });

  it("the SQL outcomes (stored columns, and a record's clock) agree with the domain's slaOutcome on generated clocks, at several instants", async () => {
    const rand = prng(36);
    const office: Calendar = {
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      holidays: [],
    };
    const statuses: Status[] = ['new', 'ready', 'waiting', 'resolved', 'canceled'];
    const all: { clock: SlaClock; status: Status }[] = [];
    const records: { id: string; record: SlaRecord; status: Status }[] = [];
    const t0 = at('2026-03-09T07:00:00Z').getTime();
    for (let i = 0; i < 80; i++) {
      const cal = rand() < 0.5 ? office : null;
      const policy = {
        id: 'p',
        calendarId: cal ? 'office' : null,
        targets: { firstResponse: 30 + Math.floor(rand() * 300), resolution: 200 + Math.floor(rand() * 3000) },
      };
      const createdAt = new Date(t0 + Math.floor(rand() * 3 * 24 * 60) * MIN);
      let facts: SlaFacts = { status: 'new', createdAt, firstResponseAt: null, awaitingReplySince: null, solved: false };
      let moment = createdAt.getTime();
      let record = reconcileSla(null, facts, policy, cal, createdAt).record!;
      for (let s = Math.floor(rand() * 5); s > 0; s--) {
        moment += Math.floor(rand() * 600) * MIN;
        const status = statuses[Math.floor(rand() * statuses.length)]!;
        facts = {
          ...facts,
          status,
          solved: solvedBy(status),
          firstResponseAt: facts.firstResponseAt ?? (rand() < 0.4 ? new Date(moment) : null),
        };
        record = reconcileSla(record, facts, policy, cal, new Date(moment)).record!;
      }
      all.push(...record.clocks.map((clock) => ({ clock, status: facts.status })));
      const id = await seedCase(t.db, { teamId: y, status: facts.status, createdAt: at('2025-01-01T00:00:00Z') });
      await writeSla(t.db.kysely, id, record, facts.status);
      records.push({ id, record, status: facts.status });
    }
    for (const days of [0, 1, 3, 8]) {
      const now = new Date(t0 + days * 24 * 60 * MIN);
      const fromJson = bind(slaOutcomeOfClock("x.k->'clock'", '{now}', "(x.k->>'open')::boolean"), { now: sql`${now}::timestamptz` });
      const elements = all.map((c) => ({ clock: c.clock, open: isOpen(c.status) }));
      const r = await sql<{ o: string | null }>`SELECT ${fromJson} AS o
        FROM jsonb_array_elements(${JSON.stringify(elements)}::jsonb) WITH ORDINALITY x(k, i) ORDER BY x.i`.execute(t.db.kysely);
      const want = all.map((c) => slaOutcome(c.clock, now, c.status));
      expect(r.rows.map((row) => row.o)).toEqual(want);
      expect(new Set(want).size, "every outcome occurs, and none (a finished case's unmet target)").toBe(
        days === 0 ? new Set(want).size : 4,
      );
      const cols = await sql<{ id: string; first: string | null; resolution: string | null }>`SELECT c.id::text AS id,
          ${slaOutcomeSql('firstResponse', now)} AS first, ${slaOutcomeSql('resolution', now)} AS resolution
        FROM cases c WHERE c.id = ANY(${records.map((x) => x.id)}::uuid[])`.execute(t.db.kysely);
      const byId = new Map(cols.rows.map((row) => [row.id, [row.first, row.resolution]]));
      for (const { id, record, status } of records) {
        const of = (kind: string) => {
          const c = record.clocks.find((x) => x.kind === kind);
          return c ? slaOutcome(c, now, status) : null;
        };
        expect(byId.get(id), id).toEqual([of('firstResponse'), of('resolution')]);
      }
    }
  });
});
