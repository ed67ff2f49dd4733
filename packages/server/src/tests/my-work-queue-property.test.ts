import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_TYPES, dayBounds, pickNext, startOfLocalDay, type Candidate, type Status } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, startTestApp, type TestApp } from '../test-support/harness.ts';
import { prng, seedCase, seededUuid } from '../test-support/case-fixtures.ts';
import { countCandidates, findNextCandidate } from '../db/repos/queue.ts';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
];
// Local dates around the 2026 clock changes of these zones, and ordinary ones.
const DAYS: [number, number, number][] = [
  [2026, 3, 8],
  [2026, 3, 29],
  [2026, 4, 5],
  [2026, 10, 4],
  [2026, 10, 25],
  [2026, 11, 1],
  [2026, 6, 15],
  [2026, 12, 31],
];
const HOUR = 3_600_000;
const SCENARIOS = 60;

type Row = Candidate & { teamId: string; status: Status; ownerId: string | null };

describe.each(DB_KINDS)("the SQL queue agrees with the domain's pickNext (%s)", (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
  });
  afterAll(() => t.close());

  it(`on ${SCENARIOS} generated scenarios (teams, channels, times around local midnight, ties)`, async () => {
    const rand = prng(kind === 'pglite' ? 311 : 977);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    let agreedToday = 0;
    let agreedOlder = 0;
    for (let s = 0; s < SCENARIOS; s++) {
      const zone = pick(ZONES);
      const [y, m, d] = pick(DAYS);
      const midnight = startOfLocalDay(y, m, d, zone).getTime();
      const now = new Date(midnight + int(-3 * 60, 3 * 60) * 60_000);
      const teams = await Promise.all(Array.from({ length: int(1, 4) }, (_, i) => makeTeam(t.db, `S${s}-${i}`)));
      const mine = teams.filter((_, i) => i === 0 || rand() < 0.5);
      const owner = await makeUser(t.db, { role: 'agent', teamIds: teams });
      const times = Array.from(
        { length: 6 },
        () => midnight + (rand() < 0.4 ? pick([0, -1, 1]) : int(-50, 4) * HOUR + int(0, 59) * 60_000),
      );
      const rows: Row[] = [];
      for (let i = int(0, 22); i > 0; i--) {
        const noise = rand() < 0.2;
        const status: Status = noise ? pick(['ready', 'waiting', 'resolved', 'canceled'] as const) : 'new';
        const row: Row = {
          id: seededUuid(rand),
          type: pick(CASE_TYPES),
          createdAt: new Date(pick(times)),
          teamId: pick(teams),
          status,
          ownerId: status !== 'new' && rand() < 0.5 ? owner.id : null,
        };
        rows.push(row);
        await seedCase(t.db, row);
      }
      const candidates = rows.filter((r) => r.status === 'new' && r.ownerId === null && mine.includes(r.teamId));
      const want = pickNext(candidates, zone, now);
      const today = dayBounds(now, zone);
      const label = `scenario ${s}: ${zone} ${now.toISOString()} ${JSON.stringify(rows)}`;

      const got = await findNextCandidate(t.db.kysely, mine, today);
      expect(got ? { id: got.id, createdToday: got.createdToday } : null, label).toEqual(
        want && { id: want.case.id, createdToday: want.createdToday },
      );
      const locked = await t.db.kysely.transaction().execute((trx) => findNextCandidate(trx, mine, today, true));
      expect(locked?.id, label).toBe(want?.case.id);
      expect(await countCandidates(t.db.kysely, mine), label).toBe(candidates.length);

      const viewer = await makeUser(t.db, { role: 'agent', teamIds: mine, timeZone: zone });
      clock.set(now);
      const work = (await call(t, viewer, 'GET', '/api/v1/me/work')).data;
      expect(work.next && { id: work.next.case.id, reason: work.next.reason }, label).toEqual(
        want && { id: want.case.id, reason: want.reason },
      );
      expect(work.unassignedCount, label).toBe(candidates.length);
      // Claim-next (one statement on the server) takes exactly the case the rules name.
      const claimed = await call(t, viewer, 'POST', '/api/v1/me/work/claim-next');
      if (want)
        expect([claimed.statusCode, claimed.data.id, claimed.data.ownerId, claimed.data.status], label).toEqual([
          200,
          want.case.id,
          viewer.id,
          'ready',
        ]);
      else expect(claimed.statusCode, label).toBe(404);
      if (want?.createdToday) agreedToday++;
      else if (want) agreedOlder++;
    }
    // The generator must exercise both rules, or the agreement proves little.
    expect(agreedToday).toBeGreaterThan(SCENARIOS / 5);
    expect(agreedOlder).toBeGreaterThan(SCENARIOS / 10);
  });
});
