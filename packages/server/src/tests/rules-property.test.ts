import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  CASE_TYPES,
  CHAT_TYPES,
  SECTION_KEYS,
  STATUSES,
  canView,
  listedByDefault,
  compareNewestFirst,
  isChatType,
  sectionOf,
  startOfLocalDay,
  type Actor,
  type BuiltInRoleId,
  type CaseFacts,
  type Status,
} from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { prng, seedCase, seededUuid } from '../test-support/case-fixtures.ts';

/**
 * The SQL twins of sectionOf and canView (db/sql-rules.ts, casework_my_work) held to the domain
 * on generated data: for every user of several roles, GET /me/work (sections, counts, first
 * pages), GET /me/work/sections/:key (paged to the end) and GET /cases (paged, and its total)
 * list exactly what sectionOf and canView, computed here over the same cases, say.
 */
const SCENARIOS = 4;
const CASES = 60;
const ZONES = ['UTC', 'Europe/Berlin', 'Pacific/Kiritimati', 'America/New_York'];
const HOUR = 3_600_000;

type Person = { user: TestUser; actor: Actor; label: string };

async function pages(t: TestApp, user: TestUser, url: string, limit: number, list: 'cases') {
  const ids: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = url.includes('?') ? '&' : '?';
    const r = await call(t, user, 'GET', `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
    ids.push(...r.data[list].map((c: { id: string }) => c.id));
    totals.add(r.data.total ?? r.data.count);
    cursor = r.data.nextCursor;
    if (!cursor) break;
  }
  expect(totals.size, `${url}: one total on every page`).toBe(1);
  return { ids, total: [...totals][0]! };
}

describe.each(DB_KINDS)('My Work and the case list agree with sectionOf and canView (%s)', (kind) => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp(kind, { clock });
  });
  afterAll(() => t.close());

  it(`on ${SCENARIOS} generated organisations of ${CASES} cases`, async () => {
    const rand = prng(kind === 'pglite' ? 4242 : 9191);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const seen = { sections: new Set<string>(), hidden: 0, visible: 0, abandonedToday: 0, spam: 0 };
    const all: CaseFacts[] = [];
    // Cases tagged `odd` (about half): a tag with an owner filter pages one arm per part of visibility.
    const tagged = new Set<string>();
    for (let s = 0; s < SCENARIOS; s++) {
      const zone = pick(ZONES);
      const midnight = startOfLocalDay(2026, 3, 10 + s, zone).getTime();
      const now = new Date(midnight + (1 + Math.floor(rand() * 22)) * HOUR);
      clock.set(now);
      const teams = [await makeTeam(t.db, `P${s}-A`), await makeTeam(t.db, `P${s}-B`), await makeTeam(t.db, `P${s}-C`)];
      const [a, b, c] = teams as [string, string, string];
      const specs: { role: BuiltInRoleId; teamIds: string[]; label: string }[] = [
        { role: 'agent', teamIds: [a, b], label: 'agent on A, B' },
        { role: 'agent', teamIds: [c], label: 'agent on C' },
        { role: 'supervisor', teamIds: [a], label: 'supervisor on A' },
        { role: 'viewer', teamIds: [b], label: 'viewer on B' },
        { role: 'admin', teamIds: [], label: 'admin on no team' },
      ];
      const people: Person[] = [];
      for (const p of specs) {
        const user = await makeUser(t.db, { role: p.role, teamIds: p.teamIds, timeZone: zone });
        const actor: Actor = { id: user.id, permissions: new Set(BUILT_IN_ROLES[p.role].permissions), teamIds: p.teamIds, timeZone: zone };
        people.push({ user, actor, label: p.label });
      }
      const owners = people.filter((p) => p.actor.permissions.has('case.claim') || p.actor.permissions.has('case.assign'));
      const cases: CaseFacts[] = [];
      for (let i = 0; i < CASES; i++) {
        const status: Status = pick(STATUSES);
        const type = rand() < 0.4 ? pick(CHAT_TYPES) : pick(CASE_TYPES);
        const createdAt = new Date(midnight + Math.floor((rand() * 60 - 50) * HOUR));
        const ended = status === 'resolved' || status === 'closed' || status === 'canceled';
        // Resolved around the local day's bounds, so Solved Today meets both edges.
        const resolvedAt = ended
          ? new Date(pick([midnight - 1, midnight, midnight + 86_400_000 - 1, now.getTime() - HOUR, midnight - 30 * HOUR]))
          : null;
        const abandoned = status === 'resolved' && isChatType(type) && rand() < 0.5;
        if (abandoned && resolvedAt! >= new Date(midnight) && resolvedAt!.getTime() < midnight + 86_400_000) seen.abandonedToday++;
        const f: CaseFacts = {
          id: seededUuid(rand),
          type,
          status,
          resolution: !ended ? null : status === 'canceled' ? 'canceled' : abandoned ? 'unresolved' : 'completed',
          resolutionReason: abandoned ? 'abandoned' : null,
          teamId: pick(teams),
          ownerId: status === 'new' || rand() < 0.2 ? null : pick(owners).user.id,
          collaboratorIds: people.filter(() => rand() < 0.2).map((p) => p.user.id),
          createdAt: rand() < 0.15 && cases.length ? cases[cases.length - 1]!.createdAt : createdAt, // ties on time
          resolvedAt,
          wakeAt: null,
        };
        cases.push(f);
        all.push(f);
        await seedCase(t.db, { ...f, collaboratorIds: [...f.collaboratorIds] });
        if (rand() < 0.5) tagged.add(f.id);
      }
      await sql`UPDATE cases SET tags = '{odd}' WHERE id = ANY(${[...tagged]}::uuid[])`.execute(t.db.kysely);

      for (const p of people) {
        const label = `scenario ${s} (${zone}, ${now.toISOString()}), ${p.label}`;
        const mine = (key: string) =>
          cases
            .filter((x) => sectionOf(x, p.user.id, zone, now) === key)
            .sort(compareNewestFirst)
            .map((x) => x.id);
        const work = await call(t, p.user, 'GET', '/api/v1/me/work');
        expect(work.statusCode, label).toBe(200);
        expect(
          work.data.sections.map((x: { key: string }) => x.key),
          label,
        ).toEqual(SECTION_KEYS);
        for (const section of work.data.sections as { key: string; count: number; cases: { id: string }[] }[]) {
          const want = mine(section.key);
          if (want.length) seen.sections.add(section.key);
          expect(section.count, `${label}: ${section.key} count`).toBe(want.length);
          expect(
            section.cases.map((x) => x.id),
            `${label}: ${section.key} first page`,
          ).toEqual(want.slice(0, section.cases.length));
          expect(section.cases.length, `${label}: ${section.key} first page size`).toBe(Math.min(want.length, 25));
          const paged = await pages(t, p.user, `/api/v1/me/work/sections/${section.key}`, 2, 'cases');
          expect(paged, `${label}: GET sections/${section.key}`).toEqual({ ids: want, total: want.length });
        }

        // Every case so far (earlier scenarios' too: whoever sees every case sees them).
        const visible = all.filter((x) => canView(p.actor, x));
        seen.visible += visible.length;
        seen.hidden += all.length - visible.length;
        // Without a status filter, the list shows what listedByDefault allows (no spam); status=spam shows that alone.
        const want = visible
          .filter((x) => listedByDefault(x.status))
          .sort(compareNewestFirst)
          .map((x) => x.id);
        const list = await pages(t, p.user, '/api/v1/cases?sort=created', 9, 'cases');
        expect(list, `${label}: GET /cases`).toEqual({ ids: want, total: want.length });
        const spam = visible
          .filter((x) => !listedByDefault(x.status))
          .sort(compareNewestFirst)
          .map((x) => x.id);
        seen.spam += spam.length;
        const spamList = await pages(t, p.user, '/api/v1/cases?sort=created&status=spam', 9, 'cases');
        expect(spamList, `${label}: GET /cases?status=spam`).toEqual({ ids: spam, total: spam.length });
        // An owner filter with a tag pages through one arm per part of visibility (teams; owned, followed elsewhere), merged.
        for (const owner of [p, owners[0]!]) {
          const mine = want.filter((id) => all.find((x) => x.id === id)!.ownerId === owner.user.id);
          const byOwner = await pages(t, p.user, `/api/v1/cases?sort=created&ownerId=${owner.user.id}`, 4, 'cases');
          expect(byOwner, `${label}: GET /cases?ownerId=${owner.label}`).toEqual({ ids: mine, total: mine.length });
          const odd = mine.filter((id) => tagged.has(id));
          const byTag = await pages(t, p.user, `/api/v1/cases?sort=created&ownerId=${owner.user.id}&tag=odd`, 3, 'cases');
          expect(byTag, `${label}: GET /cases?ownerId=${owner.label}&tag=odd`).toEqual({ ids: odd, total: odd.length });
        }
        for (const team of teams) {
          const one = await pages(t, p.user, `/api/v1/cases?sort=created&teamId=${team}`, 50, 'cases');
          const inTeam = want.filter((id) => all.find((x) => x.id === id)!.teamId === team);
          expect(one, `${label}: GET /cases?teamId=one team`).toEqual({ ids: inTeam, total: inTeam.length });
        }
      }
    }
    // The generator must reach every section and both sides of visibility, or the agreement proves little.
    expect([...seen.sections].sort()).toEqual([...SECTION_KEYS].sort());
    expect(seen.hidden).toBeGreaterThan(0);
    expect(seen.abandonedToday, 'abandoned chats resolved today').toBeGreaterThan(2);
    expect(seen.visible).toBeGreaterThan(0);
    expect(seen.spam, 'spam cases listed when asked for').toBeGreaterThan(0);
  });
});
