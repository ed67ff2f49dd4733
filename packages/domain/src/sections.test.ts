import { describe, expect, it } from 'vitest';
import { SECTIONS, SECTION_KEYS, compareNewestFirst, isSectionKey, sectionOf } from './sections.ts';
import type { SectionKey } from './sections.ts';
import { STATUSES } from './types.ts';
import type { CaseFacts, CaseType, Status } from './types.ts';

const V = 'me';
const ZONE = 'Europe/Berlin';
const NOW = new Date('2026-03-10T14:00:00Z'); // 15:00 in Berlin; the local day is [03-09T23:00Z, 03-10T23:00Z)
const TODAY_START = new Date('2026-03-09T23:00:00Z');
const TODAY_END = new Date('2026-03-10T23:00:00Z');
const shift = (d: Date, ms: number) => new Date(d.getTime() + ms);

type Facts = Pick<CaseFacts, 'type' | 'status' | 'ownerId' | 'collaboratorIds' | 'resolvedAt' | 'resolutionReason'>;
const done = (s: Status) => s === 'resolved' || s === 'closed' || s === 'canceled';
const facts = (status: Status, type: CaseType, relation: Relation, resolvedAt: Date | null = null): Facts => ({
  type,
  status,
  ownerId: relation === 'owner' || relation === 'owner and follower' ? V : status === 'new' ? null : 'someone',
  collaboratorIds: relation === 'follower' || relation === 'owner and follower' ? ['x', V] : ['x'],
  resolvedAt: resolvedAt ?? (done(status) ? shift(NOW, -3_600_000) : null),
  resolutionReason: null,
});

type Relation = 'owner' | 'follower' | 'other' | 'owner and follower';
type Row = Record<Status, SectionKey | null>;

/** SPEC §3.2, by hand: [chat case, non-chat case] per relation; resolved means resolved earlier today. */
const EXPECTED: Record<Relation, { chat: Row; other: Row }> = {
  owner: {
    chat: { new: null, ready: 'active_chats', waiting: 'waiting', resolved: 'solved_today', closed: null, canceled: null, spam: null },
    other: { new: null, ready: 'ready', waiting: 'waiting', resolved: 'solved_today', closed: null, canceled: null, spam: null },
  },
  'owner and follower': {
    chat: { new: null, ready: 'active_chats', waiting: 'waiting', resolved: 'solved_today', closed: null, canceled: null, spam: null },
    other: { new: null, ready: 'ready', waiting: 'waiting', resolved: 'solved_today', closed: null, canceled: null, spam: null },
  },
  follower: {
    chat: { new: 'following', ready: 'following', waiting: 'following', resolved: null, closed: null, canceled: null, spam: null },
    other: { new: 'following', ready: 'following', waiting: 'following', resolved: null, closed: null, canceled: null, spam: null },
  },
  other: {
    chat: { new: null, ready: null, waiting: null, resolved: null, closed: null, canceled: null, spam: null },
    other: { new: null, ready: null, waiting: null, resolved: null, closed: null, canceled: null, spam: null },
  },
};

const rows = (Object.keys(EXPECTED) as Relation[]).flatMap((relation) =>
  (['web_connect', 'support_sdk', 'phone', 'email', 'sms', 'platform'] as const).flatMap((type) =>
    STATUSES.filter((status) => !(status === 'new' && relation.startsWith('owner'))).map((status) => {
      const chat = type === 'web_connect' || type === 'support_sdk';
      return { relation, type, status, want: EXPECTED[relation][chat ? 'chat' : 'other'][status] };
    }),
  ),
);

describe('sectionOf: status × type × relation', () => {
  it.each(rows)('$relation, $type, $status → $want', ({ relation, type, status, want }) => {
    expect(sectionOf(facts(status, type, relation), V, ZONE, NOW)).toBe(want);
  });
});

describe('solved_today', () => {
  const resolvedAt = (at: Date, status: Status = 'resolved') => sectionOf(facts(status, 'email', 'owner', at), V, ZONE, NOW);

  it.each([
    ['the first instant of the local day', TODAY_START, 'solved_today'],
    ['one ms before local midnight (yesterday)', shift(TODAY_START, -1), null],
    ['the last ms of the local day', shift(TODAY_END, -1), 'solved_today'],
    ['the next local midnight', TODAY_END, null],
    ['00:30 local (still the previous day in UTC)', new Date('2026-03-09T23:30:00Z'), 'solved_today'],
    ['a week ago', new Date('2026-03-03T12:00:00Z'), null],
  ] as const)('resolved at %s → %s', (_what, at, want) => {
    expect(resolvedAt(at)).toBe(want);
  });

  it.each(['closed', 'canceled'] as const)('a %s case resolved today never appears', (status) => {
    expect(resolvedAt(shift(NOW, -60_000), status)).toBeNull();
  });

  it('a resolved case without resolvedAt is not solved today', () => {
    expect(sectionOf({ ...facts('resolved', 'email', 'owner'), resolvedAt: null }, V, ZONE, NOW)).toBeNull();
  });

  // SPEC §15: a chat the customer ended before any agent replied was not solved.
  it.each([
    { what: 'an answered chat ended by the customer', type: 'web_connect', resolution: 'completed', reason: null, want: 'solved_today' },
    { what: 'an abandoned web chat', type: 'web_connect', resolution: 'unresolved', reason: 'abandoned', want: null },
    { what: 'an abandoned SDK chat', type: 'support_sdk', resolution: 'unresolved', reason: 'abandoned', want: null },
    { what: 'a chat an agent resolved as unresolved', type: 'web_connect', resolution: 'unresolved', reason: null, want: 'solved_today' },
    { what: 'an email resolved as unresolved', type: 'email', resolution: 'unresolved', reason: null, want: 'solved_today' },
  ] as const)('$what, resolved today → $want', ({ type, reason, want }) => {
    const c = { ...facts('resolved', type, 'owner and follower', shift(NOW, -60_000)), resolutionReason: reason };
    expect(sectionOf(c, V, ZONE, NOW)).toBe(want);
  });

  it('"today" is the viewer\'s day: Kiritimati and Pago Pago disagree about the same instant', () => {
    const c = facts('resolved', 'phone', 'owner', new Date('2026-03-10T09:00:00Z'));
    const now = new Date('2026-03-10T10:30:00Z'); // Kiritimati: 11th 00:30 (resolved yesterday); Pago Pago: 9th 23:30
    expect(sectionOf(c, V, 'Pacific/Kiritimati', now)).toBeNull();
    expect(sectionOf(c, V, 'Pacific/Pago_Pago', now)).toBe('solved_today');
    expect(sectionOf(c, V, 'UTC', now)).toBe('solved_today');
  });

  it("on Berlin's 23-hour day the bounds are 23:00Z → 22:00Z", () => {
    const now = new Date('2026-03-29T20:00:00Z');
    expect(sectionOf(facts('resolved', 'sms', 'owner', new Date('2026-03-28T23:00:00Z')), V, ZONE, now)).toBe('solved_today');
    expect(sectionOf(facts('resolved', 'sms', 'owner', new Date('2026-03-28T22:59:59.999Z')), V, ZONE, now)).toBeNull();
  });
});

describe('a case is in at most one section', () => {
  // The five definitions of SPEC §3.2, each on its own.
  const defs: Record<SectionKey, (c: Facts, resolvedToday: boolean) => boolean> = {
    active_chats: (c) => c.ownerId === V && ['web_connect', 'support_sdk'].includes(c.type) && c.status === 'ready',
    ready: (c) => c.ownerId === V && !['web_connect', 'support_sdk'].includes(c.type) && c.status === 'ready',
    waiting: (c) => c.ownerId === V && c.status === 'waiting',
    solved_today: (c, today) => c.ownerId === V && c.status === 'resolved' && today && c.resolutionReason !== 'abandoned',
    following: (c) => c.collaboratorIds.includes(V) && c.ownerId !== V && ['new', 'ready', 'waiting'].includes(c.status),
  };

  it('for every status, type, relation and resolution time, sectionOf is the single matching definition', () => {
    for (const { relation, type, status } of rows) {
      for (const [at, today, reason] of [
        [shift(NOW, -1000), true, null],
        [shift(TODAY_START, -1), false, null],
        [shift(NOW, -1000), true, 'abandoned'],
      ] as const) {
        const c = { ...facts(status, type, relation, at), resolutionReason: reason };
        const matching = SECTION_KEYS.filter((k) => defs[k](c, today));
        expect(matching.length).toBeLessThanOrEqual(1);
        expect(sectionOf(c, V, ZONE, NOW)).toBe(matching[0] ?? null);
      }
    }
  });
});

describe('section list and ordering', () => {
  it('the sections of SPEC §3.2, in page order', () => {
    expect(SECTIONS).toEqual([
      { key: 'active_chats', title: 'Active Chat Sessions' },
      { key: 'ready', title: 'Ready To Solve' },
      { key: 'waiting', title: 'Waiting For Updates' },
      { key: 'solved_today', title: 'Solved Today' },
      { key: 'following', title: "Open Cases I'm Following" },
    ]);
    expect(SECTION_KEYS).toEqual(['active_chats', 'ready', 'waiting', 'solved_today', 'following']);
  });

  it.each([
    ['ready', true],
    ['following', true],
    ['next', false],
    ['', false],
    ['Ready', false],
  ] as const)('isSectionKey(%j) = %s', (key, want) => expect(isSectionKey(key)).toBe(want));

  it('compareNewestFirst: newest created first, equal times by id descending', () => {
    const at = (iso: string) => new Date(iso);
    const items = [
      { id: 'b', createdAt: at('2026-03-10T09:00:00Z') },
      { id: 'a', createdAt: at('2026-03-10T11:00:00Z') },
      { id: 'c', createdAt: at('2026-03-10T09:00:00Z') },
      { id: 'a2', createdAt: at('2026-03-10T09:00:00Z') },
      { id: 'z', createdAt: at('2026-03-01T00:00:00Z') },
    ];
    expect([...items].sort(compareNewestFirst).map((i) => i.id)).toEqual(['a', 'c', 'b', 'a2', 'z']);
    expect(
      [...items]
        .reverse()
        .sort(compareNewestFirst)
        .map((i) => i.id),
    ).toEqual(['a', 'c', 'b', 'a2', 'z']);
  });

  it('compareNewestFirst: sign and equality', () => {
    const x = { id: 'x', createdAt: new Date('2026-03-10T09:00:00Z') };
    const newer = { id: 'a', createdAt: new Date('2026-03-10T09:00:00.001Z') };
    expect(compareNewestFirst(newer, x)).toBeLessThan(0);
    expect(compareNewestFirst(x, newer)).toBeGreaterThan(0);
    expect(compareNewestFirst(x, { ...x })).toBe(0);
  });
});
