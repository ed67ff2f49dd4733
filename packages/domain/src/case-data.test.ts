import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRIORITY,
  PRIORITIES,
  TAG_LIMITS,
  editDetails,
  editTags,
  isPriority,
  normalizeTag,
  parsePriorityFilter,
  priorityOfRank,
  priorityRank,
  readNewCaseData,
  readTags,
  type CaseDetails,
} from './case-data.ts';

describe('priority', () => {
  it.each([
    ['low', 0],
    ['normal', 1],
    ['high', 2],
    ['urgent', 3],
  ] as const)('%s has rank %i and back', (p, rank) => {
    expect(priorityRank(p)).toBe(rank);
    expect(priorityOfRank(rank)).toBe(p);
  });
  it('urgent is most pressing, low least; normal is the default', () => {
    const sorted = [...PRIORITIES].sort((a, b) => priorityRank(b) - priorityRank(a));
    expect(sorted).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(DEFAULT_PRIORITY).toBe('normal');
  });
  it.each([
    ['urgent', true],
    ['Urgent', false],
    ['critical', false],
    ['', false],
    [3, false],
    [null, false],
  ])('isPriority(%j) = %s', (v, ok) => expect(isPriority(v)).toBe(ok));
  it.each([-1, 4, 1.5])('rank %d is no priority', (r) => expect(priorityOfRank(r)).toBeNull());

  it.each([
    ['urgent', ['urgent']],
    ['high,urgent', ['high', 'urgent']],
    [' low , normal ,', ['low', 'normal']],
    ['high,high', ['high']],
  ])('filter %j reads %j', (text, want) => expect(parsePriorityFilter(text)).toEqual({ ok: true, priorities: want }));
  it.each(['critical', 'high,URGENT', 'low,none'])('filter %j is refused naming the bad value', (text) => {
    const r = parsePriorityFilter(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/unknown priority/);
  });
});

describe('tags', () => {
  it.each([
    ['billing', 'billing'],
    ['  Billing ', 'billing'],
    ['VIP customer', 'vip customer'],
    ['two   spaces\there', 'two spaces here'],
    ['é'.repeat(50), 'é'.repeat(50)],
    ['x'.repeat(50), 'x'.repeat(50)],
  ])('%j is stored as %j', (raw, tag) => expect(normalizeTag(raw)).toEqual({ ok: true, tag }));
  it.each([
    ['', 'must not be blank'],
    ['   ', 'must not be blank'],
    ['x'.repeat(51), 'must be at most 50 characters'],
    [` ${'y'.repeat(51)} `, 'must be at most 50 characters'],
  ])('%j is refused: %s', (raw, message) => expect(normalizeTag(raw)).toEqual({ ok: false, message }));

  it('readTags names each bad entry and keeps each tag once', () => {
    expect(readTags(['A', 'a', 'b'], 'add', null)).toEqual({ ok: true, tags: ['a', 'b'] });
    expect(readTags(['ok', '', 'x'.repeat(51)], 'tags', null)).toEqual({
      ok: false,
      problems: [
        { field: 'tags.1', message: 'must not be blank' },
        { field: 'tags.2', message: 'must be at most 50 characters' },
      ],
    });
  });
  it('with a managed list, only its tags are accepted (case-insensitively)', () => {
    expect(readTags(['Billing'], 'add', ['billing', 'vip'])).toEqual({ ok: true, tags: ['billing'] });
    const r = readTags(['billing', 'refund'], 'add', ['billing', 'vip']);
    expect(r).toEqual({ ok: false, problems: [{ field: 'add.1', message: 'tag "refund" is not in the organisation\'s list of tags' }] });
  });
  it('an empty managed list allows no tag; null allows any', () => {
    expect(readTags(['x'], 'add', []).ok).toBe(false);
    expect(readTags(['x'], 'add', null).ok).toBe(true);
  });
});

describe('editTags', () => {
  const cases: {
    what: string;
    current: string[];
    add?: string[];
    remove?: string[];
    managed?: string[] | null;
    tags?: string[];
    event?: { added: string[]; removed: string[] } | null;
    problem?: string;
  }[] = [
    {
      what: 'adds, lower-cased, sorted',
      current: ['vip'],
      add: ['Billing'],
      tags: ['billing', 'vip'],
      event: { added: ['billing'], removed: [] },
    },
    { what: 'removes', current: ['billing', 'vip'], remove: ['VIP'], tags: ['billing'], event: { added: [], removed: ['vip'] } },
    { what: 'adding a present tag changes nothing', current: ['vip'], add: ['vip'], tags: ['vip'], event: null },
    { what: 'removing an absent tag changes nothing', current: ['vip'], remove: ['gone'], tags: ['vip'], event: null },
    { what: 'both at once', current: ['a', 'b'], add: ['c'], remove: ['a'], tags: ['b', 'c'], event: { added: ['c'], removed: ['a'] } },
    { what: 'an empty request', current: ['a'], tags: ['a'], event: null },
    { what: 'a tag both added and removed', current: [], add: ['a'], remove: ['A'], problem: 'remove' },
    { what: 'a blank tag', current: [], add: ['ok', ' '], problem: 'add.1' },
    { what: 'a long tag', current: [], remove: ['x'.repeat(51)], problem: 'remove.0' },
    { what: 'outside the managed list', current: [], add: ['other'], managed: ['vip'], problem: 'add.0' },
    {
      what: 'removal of an unmanaged tag is allowed',
      current: ['old'],
      remove: ['old'],
      managed: ['vip'],
      tags: [],
      event: { added: [], removed: ['old'] },
    },
    {
      what: 'more than the most per case',
      current: Array.from({ length: TAG_LIMITS.perCase }, (_, i) => `t${i}`),
      add: ['one-more'],
      problem: 'add',
    },
  ];
  it.each(cases)('$what', ({ current, add, remove, managed, tags, event, problem }) => {
    const r = editTags(current, { add, remove }, managed ?? null);
    if (problem) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual([problem]);
      return;
    }
    expect(r).toEqual({ ok: true, tags, events: event ? [{ type: 'case.tags_changed', data: event }] : [] });
  });
});

describe('editDetails', () => {
  const current: CaseDetails = { subject: 'Printer on fire', description: 'Smoke', priority: 'normal' };
  it.each([
    { what: 'nothing given', input: {}, changes: {}, events: [] },
    { what: 'same values', input: { subject: ' Printer on fire ', description: 'Smoke', priority: 'normal' }, changes: {}, events: [] },
    {
      what: 'subject trimmed',
      input: { subject: '  Printer out of paper ' },
      changes: { subject: 'Printer out of paper' },
      events: [{ type: 'case.subject_changed', data: { from: 'Printer on fire', to: 'Printer out of paper' } }],
    },
    {
      what: 'blank description clears it',
      input: { description: '   ' },
      changes: { description: null },
      events: [{ type: 'case.description_changed', data: { from: 'Smoke', to: null } }],
    },
    {
      what: 'priority',
      input: { priority: 'urgent' },
      changes: { priority: 'urgent' },
      events: [{ type: 'case.priority_changed', data: { from: 'normal', to: 'urgent' } }],
    },
  ])('$what', ({ input, changes, events }) => {
    expect(editDetails(current, input)).toEqual({ ok: true, changes, events });
  });
  it.each([
    [{ subject: '  ' }, ['subject']],
    [{ priority: 'critical' }, ['priority']],
    [{ priority: 'URGENT', subject: '' }, ['subject', 'priority']],
    [{ subject: 'x'.repeat(301) }, ['subject']],
  ])('%j is refused naming %j', (input, fields) => {
    const r = editDetails(current, input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(fields);
  });
});

describe('readNewCaseData', () => {
  const cases: {
    name: string;
    input: { priority?: string | null; tags?: string[] | null };
    managed?: string[];
    want: { priority: string; tags: string[] } | string[];
  }[] = [
    { name: 'nothing given: normal, no tags', input: {}, want: { priority: 'normal', tags: [] } },
    { name: 'null priority and tags: the defaults', input: { priority: null, tags: null }, want: { priority: 'normal', tags: [] } },
    {
      name: 'a priority and tags, read and sorted once each',
      input: { priority: 'urgent', tags: ['VIP', ' billing ', 'vip'] },
      want: { priority: 'urgent', tags: ['billing', 'vip'] },
    },
    { name: 'an unknown priority', input: { priority: 'critical' }, want: ['priority'] },
    { name: 'a blank tag names its index', input: { tags: ['ok', '  '] }, want: ['tags.1'] },
    { name: 'both wrong: both named', input: { priority: 'p1', tags: [''] }, want: ['priority', 'tags.0'] },
    { name: 'outside the managed list', input: { tags: ['refund'] }, managed: ['billing'], want: ['tags.0'] },
    { name: 'on the managed list', input: { tags: ['Billing'] }, managed: ['billing'], want: { priority: 'normal', tags: ['billing'] } },
    { name: 'over the per-case limit', input: { tags: Array.from({ length: TAG_LIMITS.perCase + 1 }, (_, i) => `t${i}`) }, want: ['tags'] },
  ];
  it.each(cases)('$name', ({ input, managed, want }) => {
    const r = readNewCaseData(input, managed ?? null);
    if (Array.isArray(want)) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(want);
    } else expect(r).toEqual({ ok: true, ...want });
  });
});
