import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, canView, type Actor, type BuiltInRoleId } from '@casework/domain';
import { DB_KINDS, call, fixedClock, makeTeam, makeUser, sql, startTestApp, type TestApp, type TestUser } from '../test-support/harness.ts';
import { prng, seedCase, seededUuid } from '../test-support/case-fixtures.ts';
import { uuidv7 } from '../ids.ts';

/**
 * Search never lists or counts a case its reader may not see, on generated data: cases with
 * subjects, conversations (notes included), customers and followers drawn from a small
 * vocabulary, some moved to another team after their messages were written; for users of four
 * roles and every word (and pairs, and prefixes), GET /cases?q= paged to the end (by relevance
 * and by time) lists exactly the visible cases that hold the words (canView over a model of the
 * same cases), once each, with a total equal to that number.
 */
const SCENARIOS = 2;
const CASES = 30;
const VOCAB = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'gale', 'harbor', 'iris', 'juniper'];
const NAMES = ['Lark Moss', 'Wren Hale', 'Ash Cole'];

type Model = {
  id: string;
  reference: string;
  teamId: string;
  ownerId: string | null;
  collaboratorIds: string[];
  text: string[];
  customer: { name: string; email: string } | null;
};
type Person = { user: TestUser; actor: Actor; label: string };

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
// The search's rule in plain terms: every word of the query (3+ letters also as a prefix) in the
// case's text, or the exact reference, or part of the customer's name or email.
function matches(c: Model, q: string): boolean {
  const have = c.text.flatMap(words);
  const want = q.split(/\s+/).filter(Boolean);
  const inText = want.every((w) => have.some((h) => (w.length >= 3 ? h.startsWith(w.toLowerCase()) : h === w.toLowerCase())));
  const customer = c.customer && (c.customer.name.toLowerCase().includes(q.toLowerCase()) || c.customer.email.includes(q.toLowerCase()));
  return inText || c.reference === q.toUpperCase() || Boolean(customer);
}

async function pages(t: TestApp, user: TestUser, query: string) {
  const ids: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let page = 0; page < 60; page++) {
    const r = await call(t, user, 'GET', `/api/v1/cases?${query}&limit=6${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.statusCode, `${query}: ${r.body}`).toBe(200);
    ids.push(...r.data.cases.map((c: { id: string }) => c.id));
    totals.add(r.data.total);
    cursor = r.data.nextCursor;
    if (!cursor) break;
  }
  expect(totals.size, `${query}: one total on every page`).toBe(1);
  return { ids, total: [...totals][0]! };
}

describe.each(DB_KINDS)('search lists and counts only visible cases (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { clock: fixedClock(new Date('2026-04-01T12:00:00Z')) });
  });
  afterAll(() => t.close());

  it(`on ${SCENARIOS} generated organisations of ${CASES} cases with conversations`, async () => {
    const rand = prng(kind === 'pglite' ? 1717 : 2929);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const phrase = (n: number) => Array.from({ length: n }, () => pick(VOCAB)).join(' ');
    let hidden = 0;
    let listed = 0;
    // Every scenario's cases: later scenarios' searches may find earlier ones (an admin sees them).
    const all: Model[] = [];
    for (let s = 0; s < SCENARIOS; s++) {
      const teams = [await makeTeam(t.db, `S${s}-A`), await makeTeam(t.db, `S${s}-B`), await makeTeam(t.db, `S${s}-C`)];
      const [a, b, c] = teams as [string, string, string];
      const specs: { role: BuiltInRoleId; teamIds: string[]; label: string }[] = [
        { role: 'agent', teamIds: [a, b], label: 'agent on A, B' },
        { role: 'agent', teamIds: [c], label: 'agent on C' },
        { role: 'supervisor', teamIds: [a], label: 'supervisor on A' },
        { role: 'viewer', teamIds: [b], label: 'viewer on B' },
        { role: 'admin', teamIds: [], label: 'admin' },
      ];
      const people: Person[] = [];
      for (const p of specs) {
        const user = await makeUser(t.db, { role: p.role, teamIds: p.teamIds });
        people.push({
          user,
          label: p.label,
          actor: { id: user.id, permissions: new Set(BUILT_IN_ROLES[p.role].permissions), teamIds: p.teamIds, timeZone: 'UTC' },
        });
      }
      const cases: Model[] = [];
      for (let i = 0; i < CASES; i++) {
        const name = rand() < 0.5 ? pick(NAMES) : null;
        const m: Model = {
          id: seededUuid(rand),
          reference: `S${s}${String(i).padStart(2, '0')}QX`,
          teamId: pick(teams),
          ownerId: rand() < 0.3 ? pick(people).user.id : null,
          collaboratorIds: people.filter(() => rand() < 0.15).map((p) => p.user.id),
          text: [`Case about ${phrase(2)}`],
          customer: name ? { name, email: `${name.split(' ')[1]!.toLowerCase()}${i % 2}@mail.test` } : null,
        };
        await seedCase(t.db, {
          ...m,
          subject: m.text[0]!,
          status: m.ownerId ? 'ready' : 'new',
          createdAt: new Date(Date.UTC(2026, 2, 1) + i * 3_600_000),
          customer: m.customer ?? undefined,
        });
        const conversation = Array.from({ length: Math.floor(rand() * 4) }, (_, k) => ({
          id: uuidv7(),
          case_id: m.id,
          body: `${phrase(1 + Math.floor(rand() * 3))}.`,
          internal: k % 3 === 2,
          direction: k % 3 === 2 ? 'note' : k % 2 ? 'outbound' : 'inbound',
          channel: k % 3 === 2 ? 'note' : 'email',
          author_id: null,
          created_at: new Date(Date.UTC(2026, 2, 2) + k * 60_000),
        }));
        if (conversation.length) await t.db.kysely.insertInto('messages').values(conversation).execute();
        m.text.push(...conversation.map((x) => x.body));
        // Some cases move after their conversation was written: the search must follow the team.
        if (rand() < 0.2) {
          m.teamId = pick(teams);
          await sql`UPDATE cases SET team_id = ${m.teamId}::uuid WHERE id = ${m.id}::uuid`.execute(t.db.kysely);
        }
        cases.push(m);
        all.push(m);
      }
      const queries = [
        ...VOCAB,
        'jun',
        'ha',
        `${pick(VOCAB)} ${pick(VOCAB)}`,
        `${pick(VOCAB)} ${pick(VOCAB)}`,
        'lark',
        'hale1@',
        cases[3]!.reference,
      ];
      for (const p of people) {
        for (const q of queries) {
          const want = all.filter((x) => matches(x, q));
          const visible = new Set(
            want.filter((x) => canView(p.actor, { ...x, type: 'email', status: x.ownerId ? 'ready' : 'new' })).map((x) => x.id),
          );
          hidden += want.length - visible.size;
          for (const sort of ['relevance', 'created']) {
            const got = await pages(t, p.user, `q=${encodeURIComponent(q)}&sort=${sort}`);
            const label = `scenario ${s}, ${p.label}, q=${q}, sort=${sort}`;
            expect(new Set(got.ids), label).toEqual(visible);
            expect(got.ids, `${label}: once each`).toHaveLength(visible.size);
            expect(got.total, `${label}: total`).toBe(visible.size);
            listed += got.ids.length;
          }
        }
      }
    }
    // The generated data exercised both sides: matches the reader may see, and matches they may not.
    expect(hidden).toBeGreaterThan(30);
    expect(listed).toBeGreaterThan(200);
  }, 300_000);
});
