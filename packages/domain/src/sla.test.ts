import { describe, expect, it } from 'vitest';
import type { Calendar } from './business-time.ts';
import type { Status } from './types.ts';
import {
  checkSlaPolicy,
  matchPolicy,
  reconcileSla,
  replaySla,
  type SlaFacts,
  type SlaOutcome,
  type SlaRecord,
  slaAttention,
  slaColumns,
  slaOutcome,
  slaView,
  storedOutcome,
} from './sla.ts';

const pol = (id: string, position: number, conditions: object) => ({ id, position, conditions });
const POLICIES = [
  pol('p-vip', 1, { tags: ['vip'] }),
  pol('p-urgent-chat', 2, { priorities: ['urgent', 'high'], types: ['web_connect', 'support_sdk'] }),
  pol('p-billing', 3, { teamIds: ['t-billing'] }),
  pol('p-all', 9, {}),
  pol('p-all-earlier-id', 9, {}),
];
const base = { priority: 'normal', type: 'email', teamId: 't-support', tags: [] } as const;

describe('matchPolicy: the first matching policy by position', () => {
  const TABLE: ReadonlyArray<readonly [string, object, string | null]> = [
    ['nothing special: the catch-all (ties by id)', {}, 'p-all'],
    ['a vip tag among others', { tags: ['x', 'vip'] }, 'p-vip'],
    ['urgent chat', { priority: 'urgent', type: 'web_connect' }, 'p-urgent-chat'],
    ['high in-app chat', { priority: 'high', type: 'support_sdk' }, 'p-urgent-chat'],
    ['urgent email: types do not match', { priority: 'urgent' }, 'p-all'],
    ['normal chat: priorities do not match', { type: 'web_connect' }, 'p-all'],
    ['billing team', { teamId: 't-billing' }, 'p-billing'],
    ['vip on billing: position 1 wins', { teamId: 't-billing', tags: ['vip'] }, 'p-vip'],
  ];
  it.each(TABLE)('%s', (_name, change, id) => {
    expect(matchPolicy(POLICIES, { ...base, ...change } as never)?.id ?? null).toBe(id);
  });
  it('no policies: none', () => {
    expect(matchPolicy([], base)).toBeNull();
  });
  it('only conditional policies that do not match: none', () => {
    expect(matchPolicy(POLICIES.slice(0, 3), base)).toBeNull();
  });
});

describe('checkSlaPolicy', () => {
  it('accepts and normalises', () => {
    expect(
      checkSlaPolicy({ conditions: { tags: ['VIP', 'vip'], priorities: ['urgent'] }, targets: { firstResponse: 60, resolution: 480 } }),
    ).toEqual({
      ok: true,
      conditions: { tags: ['vip'], priorities: ['urgent'] },
      targets: { firstResponse: 60, resolution: 480 },
    });
  });
  const BAD: ReadonlyArray<readonly [string, object, string]> = [
    ['zero target', { targets: { firstResponse: 0 } }, 'targets.firstResponse'],
    ['negative target', { targets: { resolution: -5 } }, 'targets.resolution'],
    ['fractional target', { targets: { nextResponse: 1.5 } }, 'targets.nextResponse'],
    ['text target', { targets: { nextResponse: '60' } }, 'targets.nextResponse'],
    ['unknown target', { targets: { firstReply: 60 } }, 'targets.firstReply'],
    ['no target', { targets: {} }, 'targets'],
    ['unknown priority', { targets: { resolution: 5 }, conditions: { priorities: ['normal', 'asap'] } }, 'conditions.priorities.1'],
    ['unknown type', { targets: { resolution: 5 }, conditions: { types: ['fax'] } }, 'conditions.types.0'],
    ['not a list', { targets: { resolution: 5 }, conditions: { tags: 'vip' } }, 'conditions.tags'],
  ];
  it.each(BAD)('%s → %s', (_name, input, field) => {
    const r = checkSlaPolicy(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toContain(field);
  });
});

const MIN = 60_000;
const OFFICE: Calendar = {
  timeZone: 'Europe/Berlin',
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
};
const POLICY = { id: 'p1', calendarId: 'c1', targets: { firstResponse: 60, nextResponse: 30, resolution: 480 } };
const created = new Date('2026-03-10T08:00:00Z'); // Tuesday 09:00 in Berlin
const t = (minutes: number) => new Date(created.getTime() + minutes * MIN);
// `solved` follows the status unless a step says otherwise (resolving solves; canceling does not)
const facts = (over: Partial<SlaFacts> = {}): SlaFacts => ({
  status: 'new',
  createdAt: created,
  firstResponseAt: null,
  awaitingReplySince: null,
  solved: over.status === 'resolved' || over.status === 'closed',
  ...over,
});

/** Runs a case's story through reconcileSla: each step at a minute after creation with the facts then. */
function story(steps: [number, Partial<SlaFacts>][], cal: Calendar | null = OFFICE) {
  let record: SlaRecord | null = null;
  const breaches: [number, string][] = [];
  for (const [m, f] of steps) {
    const r = reconcileSla(record, facts(f), POLICY, cal, t(m));
    record = r.record;
    for (const b of r.breaches) breaches.push([m, b]);
  }
  return { record: record!, breaches };
}
const clock = (r: SlaRecord, kind: string) => r.clocks.find((c) => c.kind === kind)!;

describe('reconcileSla: clocks through a case', () => {
  it('a new case gets first response and resolution due in business time', () => {
    const { record } = story([[0, {}]]);
    expect(clock(record, 'firstResponse').dueAt).toBe('2026-03-10T09:00:00.000Z');
    expect(clock(record, 'firstResponse').soonAt).toBe('2026-03-10T08:48:00.000Z'); // 80 % of 60 min
    expect(clock(record, 'resolution').dueAt).toBe('2026-03-10T16:00:00.000Z');
    expect(record.clocks.map((c) => c.kind)).toEqual(['firstResponse', 'resolution']);
  });

  it('created in the evening: due the next morning', () => {
    const r = reconcileSla(null, facts({ createdAt: new Date('2026-03-10T17:30:00Z') }), POLICY, OFFICE, new Date('2026-03-10T17:30:00Z'));
    expect(r.record!.clocks[0]!.dueAt).toBe('2026-03-11T09:00:00.000Z');
  });

  it('waiting pauses every clock, a resume continues with what was left', () => {
    const { record } = story([
      [0, {}],
      [20, { status: 'waiting' }],
      [200, { status: 'ready' }], // 180 min later
    ]);
    const fr = clock(record, 'firstResponse');
    expect(fr.elapsedMs).toBe(20 * MIN);
    expect(fr.dueAt).toBe(t(240).toISOString()); // 40 min left from minute 200
    expect(fr.pausedAt).toBeNull();
  });

  it('while waiting the clock shows no due time, its pause and its state at the pause', () => {
    const { record } = story([
      [0, {}],
      [50, { status: 'waiting' }],
    ]);
    const view = slaView(record, t(500))!;
    expect(view.targets[0]).toEqual({ kind: 'firstResponse', minutes: 60, dueAt: null, state: 'due_soon', pausedAt: t(50).toISOString() });
    expect(slaColumns(record, 'waiting')).toMatchObject({ dueAt: null, soonAt: null, breachAt: null, breached: false });
  });

  it('states over time: ok, due soon within 20 %, breached at the due time', () => {
    const { record } = story([[0, {}]]);
    expect(slaView(record, t(47))!.targets[0]!.state).toBe('ok');
    expect(slaView(record, t(48))!.targets[0]!.state).toBe('due_soon');
    expect(slaView(record, t(60))!.targets[0]!.state).toBe('breached');
  });

  it('first response met in time: ok and stopped', () => {
    const { record, breaches } = story([
      [0, {}],
      [30, { status: 'ready', firstResponseAt: t(30) }],
    ]);
    expect(clock(record, 'firstResponse')).toMatchObject({ metAt: t(30).toISOString(), elapsedMs: 30 * MIN, dueAt: null });
    expect(slaView(record, t(1000))!.targets[0]!.state).toBe('ok');
    expect(breaches).toEqual([]);
  });

  it('a breach is reported once, by the first reconcile after the due time, at the due time', () => {
    const { record, breaches } = story([
      [0, {}],
      [61, {}],
      [62, {}],
      [90, { status: 'ready', firstResponseAt: t(90) }],
    ]);
    expect(breaches).toEqual([[61, 'firstResponse']]);
    expect(clock(record, 'firstResponse').breachedAt).toBe(t(60).toISOString());
    expect(slaView(record, t(100))!.targets[0]!.state).toBe('breached'); // met late stays breached
  });

  it('met late before anyone noticed: the breach is reported when it is met', () => {
    const { breaches, record } = story([
      [0, {}],
      [75, { status: 'ready', firstResponseAt: t(75) }],
    ]);
    expect(breaches).toEqual([[75, 'firstResponse']]);
    expect(clock(record, 'firstResponse').breachedAt).toBe(t(60).toISOString());
  });

  it('paused after the due time passed unnoticed: the breach is at the old due time', () => {
    const { breaches, record } = story([
      [0, {}],
      [70, { status: 'waiting' }],
    ]);
    expect(breaches).toEqual([[70, 'firstResponse']]);
    expect(clock(record, 'firstResponse').breachedAt).toBe(t(60).toISOString());
    expect(slaColumns(record, 'waiting').breached).toBe(true);
  });

  it('next response starts when the customer writes after an answer, stops at the next answer', () => {
    const { record } = story([
      [0, {}],
      [10, { status: 'ready', firstResponseAt: t(10) }],
      [100, { status: 'ready', firstResponseAt: t(10), awaitingReplySince: t(100) }],
    ]);
    expect(clock(record, 'nextResponse').dueAt).toBe(t(130).toISOString());
    const answered = reconcileSla(record, facts({ status: 'ready', firstResponseAt: t(10) }), POLICY, OFFICE, t(120)).record!;
    expect(clock(answered, 'nextResponse')).toMatchObject({ metAt: t(120).toISOString(), elapsedMs: 20 * MIN });
    // the customer writes again: a fresh clock
    const again = reconcileSla(
      answered,
      facts({ status: 'ready', firstResponseAt: t(10), awaitingReplySince: t(200) }),
      POLICY,
      OFFICE,
      t(200),
    ).record!;
    expect(clock(again, 'nextResponse')).toMatchObject({ metAt: null, elapsedMs: 0, dueAt: t(230).toISOString() });
  });

  it('resolution stops when resolved and goes on from there when reopened', () => {
    const { record } = story([
      [0, {}],
      [100, { status: 'resolved', firstResponseAt: t(5) }],
      [300, { status: 'ready', firstResponseAt: t(5) }],
    ]);
    const res = clock(record, 'resolution');
    expect(res).toMatchObject({ metAt: null, elapsedMs: 100 * MIN, runningSince: t(300).toISOString() });
    // reopened Tuesday 14:00 in Berlin: 180 min until 17:00, the other 200 on Wednesday from 09:00
    expect(res.dueAt).toBe('2026-03-11T11:20:00.000Z');
  });

  it('a case without a policy has no SLA', () => {
    expect(reconcileSla(null, facts(), null, OFFICE, t(0))).toEqual({ record: null, breaches: [] });
  });

  it('no calendar: always open', () => {
    const saturday = new Date('2026-03-14T12:00:00Z');
    const { record } = reconcileSla(null, facts({ createdAt: saturday }), POLICY, null, saturday);
    expect(clock(record!, 'firstResponse').dueAt).toBe('2026-03-14T13:00:00.000Z');
  });

  it('a changed target keeps the business time so far', () => {
    const { record } = story([
      [0, {}],
      [30, {}],
    ]);
    const r = reconcileSla(record, facts(), { ...POLICY, targets: { firstResponse: 120 } }, OFFICE, t(40)).record!;
    expect(r.clocks.map((c) => c.kind)).toEqual(['firstResponse']);
    expect(r.clocks[0]!.dueAt).toBe(t(120).toISOString());
  });

  it("attention (the list filter): the worst state of an open case's targets not met; paused clocks by their share", () => {
    const running = story([[0, {}]]).record;
    expect(slaAttention(running, 'new', t(47))).toBe('ok');
    expect(slaAttention(running, 'new', t(48))).toBe('due_soon');
    expect(slaAttention(running, 'ready', t(60))).toBe('breached');
    expect(slaAttention(running, 'resolved', t(60))).toBeNull(); // finished: nobody's attention
    expect(slaAttention(null, 'new', t(60))).toBeNull();
    const pausedSoon = story([
      [0, {}],
      [50, { status: 'waiting' }],
    ]).record;
    expect(slaColumns(pausedSoon, 'waiting')).toMatchObject({ pausedSoon: true, pausedBreached: false });
    expect(slaAttention(pausedSoon, 'waiting', t(10_000))).toBe('due_soon');
    const pausedLate = story([
      [0, {}],
      [70, { status: 'waiting' }],
    ]).record;
    expect(slaColumns(pausedLate, 'waiting')).toMatchObject({ pausedSoon: false, pausedBreached: true });
    expect(slaAttention(pausedLate, 'waiting', t(70))).toBe('breached');
    // the first response met late stays breached on the case, but the filter follows the resolution clock
    const metLate = story([
      [0, {}],
      [75, { status: 'ready', firstResponseAt: t(75) }],
    ]).record;
    expect(slaView(metLate, t(76))!.targets[0]!.state).toBe('breached');
    expect(slaAttention(metLate, 'ready', t(76))).toBe('ok');
    expect(slaAttention(metLate, 'ready', t(480))).toBe('breached');
  });

  it('columns: nearest due, due-soon, first-response due-soon and due time, and the next unrecorded breach', () => {
    const { record } = story([[0, {}]]);
    expect(slaColumns(record, 'new')).toEqual({
      dueAt: t(60),
      soonAt: t(48),
      firstResponseSoonAt: t(48),
      firstResponseDueAt: t(60),
      firstResponseOutcome: 'running',
      resolutionOutcome: 'running',
      resolutionDueAt: t(480),
      breachAt: t(60),
      breached: false,
      pausedBreached: false,
      pausedSoon: false,
    });
    expect(slaColumns(null, 'new')).toEqual({
      dueAt: null,
      soonAt: null,
      firstResponseSoonAt: null,
      firstResponseDueAt: null,
      firstResponseOutcome: null,
      resolutionOutcome: null,
      resolutionDueAt: null,
      breachAt: null,
      breached: false,
      pausedBreached: false,
      pausedSoon: false,
    });
    const late = story([
      [0, {}],
      [61, {}],
    ]).record;
    expect(slaColumns(late, 'new')).toEqual({
      dueAt: t(60),
      soonAt: t(48),
      firstResponseSoonAt: t(48),
      firstResponseDueAt: t(60),
      firstResponseOutcome: 'running',
      resolutionOutcome: 'running',
      resolutionDueAt: t(480),
      breachAt: t(480),
      breached: true,
      pausedBreached: false,
      pausedSoon: false,
    });
  });
});

describe("slaOutcome and storedOutcome: how a target counts in reports' SLA achievement", () => {
  // [what happened, steps (minutes, facts), the case's status, now (minutes), first response at now, stored]
  const answered = { firstResponseAt: t(20) };
  const cases: [string, [number, Partial<SlaFacts>][], Status, number, string | null, string | null][] = [
    ['open, no reply, before the due time', [[0, {}]], 'new', 30, 'running', 'running'],
    ['open, no reply, past the due time (not yet recorded)', [[0, {}]], 'new', 61, 'breached', 'running'],
    [
      'replied in time',
      [
        [0, {}],
        [20, { status: 'ready', ...answered }],
      ],
      'ready',
      600,
      'met',
      'met',
    ],
    [
      'replied late',
      [
        [0, {}],
        [70, { status: 'ready', firstResponseAt: t(70) }],
      ],
      'ready',
      600,
      'breached',
      'breached',
    ],
    [
      'waiting before the due time: paused, still counts as running',
      [
        [0, {}],
        [30, { status: 'waiting' }],
      ],
      'waiting',
      10_000,
      'running',
      'running',
    ],
    [
      'resolved without a reply before the due time: neither',
      [
        [0, {}],
        [30, { status: 'resolved' }],
      ],
      'resolved',
      10_000,
      null,
      null,
    ],
    [
      'canceled without a reply before the due time: neither',
      [
        [0, {}],
        [30, { status: 'canceled' }],
      ],
      'canceled',
      10_000,
      null,
      null,
    ],
    [
      'waiting, then resolved without a reply: neither',
      [
        [0, {}],
        [30, { status: 'waiting' }],
        [40, { status: 'resolved' }],
      ],
      'resolved',
      10_000,
      null,
      null,
    ],
    [
      'resolved without a reply after the due time: breached',
      [
        [0, {}],
        [70, { status: 'resolved' }],
      ],
      'resolved',
      10_000,
      'breached',
      'breached',
    ],
    [
      'waiting past the due time, then canceled: breached',
      [
        [0, {}],
        [70, { status: 'waiting' }],
        [80, { status: 'canceled' }],
      ],
      'canceled',
      80,
      'breached',
      'breached',
    ],
    [
      'resolved early, then reopened: running again',
      [
        [0, {}],
        [30, { status: 'resolved' }],
        [40, { status: 'ready' }],
      ],
      'ready',
      40,
      'running',
      'running',
    ],
    [
      'resolved early, reopened, then past the rest of the due time',
      [
        [0, {}],
        [30, { status: 'resolved' }],
        [40, { status: 'ready' }],
      ],
      'ready',
      71,
      'breached',
      'running',
    ],
  ];
  it.each(cases)('%s', (_name, steps, status, now, outcome, stored) => {
    const { record } = story(steps);
    const first = clock(record, 'firstResponse');
    expect(slaOutcome(first, t(now), status)).toBe(outcome);
    expect(storedOutcome(first, status)).toBe(stored);
    expect(slaColumns(record, status).firstResponseOutcome).toBe(stored);
  });
  // The resolution target is met by solving the case: canceling, spam or an abandoned chat stop it
  // unmet (neither, unless it had breached by then), as a first response never given.
  const finishes: [string, [number, Partial<SlaFacts>][], Status, SlaOutcome | null][] = [
    [
      'resolved before the due time: met',
      [
        [0, {}],
        [30, { status: 'resolved' }],
      ],
      'resolved',
      'met',
    ],
    [
      'resolved, then closed: met',
      [
        [0, {}],
        [30, { status: 'resolved' }],
        [60, { status: 'closed' }],
      ],
      'closed',
      'met',
    ],
    [
      'canceled before the due time: neither',
      [
        [0, {}],
        [30, { status: 'canceled' }],
      ],
      'canceled',
      null,
    ],
    [
      'marked spam before the due time: neither',
      [
        [0, {}],
        [30, { status: 'spam' }],
      ],
      'spam',
      null,
    ],
    [
      'abandoned (resolved unsolved) before the due time: neither',
      [
        [0, {}],
        [30, { status: 'resolved', solved: false }],
      ],
      'resolved',
      null,
    ],
    [
      'canceled after the due time: breached',
      [
        [0, {}],
        [500, { status: 'canceled' }],
      ],
      'canceled',
      'breached',
    ],
    [
      'resolved, then marked spam: neither',
      [
        [0, {}],
        [30, { status: 'resolved' }],
        [40, { status: 'spam' }],
      ],
      'spam',
      null,
    ],
    [
      'canceled, reopened, then resolved in time: met',
      [
        [0, {}],
        [30, { status: 'canceled' }],
        [60, { status: 'ready' }],
        [90, { status: 'resolved' }],
      ],
      'resolved',
      'met',
    ],
    [
      'canceled, reopened, then resolved past the target: breached',
      [
        [0, {}],
        [400, { status: 'canceled' }],
        [410, { status: 'ready' }],
        [1460, { status: 'resolved' }],
      ],
      'resolved',
      'breached',
    ],
  ];
  it.each(finishes)('resolution target: %s', (_name, steps, status, outcome) => {
    const { record } = story(steps);
    const c = clock(record, 'resolution');
    expect(slaOutcome(c, t(10_000), status)).toBe(outcome);
    expect(storedOutcome(c, status)).toBe(outcome);
  });
});

describe("replaySla: a case's clocks from its history", () => {
  const ev = (m: number, type: string, data: Record<string, unknown> = {}) => ({ type, data, at: t(m) });
  it('equals reconciling each event that moves the clocks as it was appended, then at now', () => {
    const history = [
      ev(0, 'case.created', { status: 'new' }),
      ev(0, 'case.message_created', { direction: 'inbound', internal: false }),
      ev(5, 'case.claimed', {}),
      ev(5, 'case.status_changed', { from: 'new', to: 'ready' }),
      ev(20, 'case.message_created', { direction: 'note', internal: true }),
      ev(90, 'case.message_created', { direction: 'outbound', internal: false }),
      ev(100, 'case.message_created', { direction: 'inbound', internal: false }),
    ];
    const replayed = replaySla(history, POLICY, OFFICE, t(200));
    const { record } = story([
      [0, {}],
      [0, {}],
      [5, { status: 'ready' }],
      [90, { status: 'ready', firstResponseAt: t(90) }],
      [100, { status: 'ready', firstResponseAt: t(90), awaitingReplySince: t(100) }],
      [200, { status: 'ready', firstResponseAt: t(90), awaitingReplySince: t(100) }],
    ]);
    expect(replayed).toEqual(record);
    expect(clock(replayed!, 'firstResponse')).toMatchObject({ metAt: t(90).toISOString(), breachedAt: t(60).toISOString() });
    expect(slaAttention(replayed, 'ready', t(200))).toBe('breached'); // the next response was due at 130
  });
  it('a finished history has its outcomes; no policy or no creation: no record', () => {
    const history = [
      ev(0, 'case.created', { status: 'ready' }),
      ev(30, 'case.message_created', { direction: 'outbound', internal: false }),
      ev(60, 'case.status_changed', { from: 'ready', to: 'resolved' }),
    ];
    const r = replaySla(history, POLICY, OFFICE, t(600))!;
    expect(slaColumns(r, 'resolved')).toMatchObject({ firstResponseOutcome: 'met', resolutionOutcome: 'met', dueAt: null });
    expect(replaySla(history, null, OFFICE, t(600))).toBeNull();
    expect(replaySla(history.slice(1), POLICY, OFFICE, t(600))).toBeNull();
  });
  it.each([
    ['resolved', { to: 'resolved', reason: 'resolved' }, 'met'],
    ['resolved, then closed', { to: 'resolved', reason: 'resolved' }, 'met', { to: 'closed', reason: 'auto_closed' }],
    ['canceled', { to: 'canceled', reason: 'canceled' }, null],
    ['abandoned', { to: 'resolved', reason: 'abandoned' }, null],
    ['marked spam', { to: 'spam', reason: 'marked_spam' }, null],
  ] as const)('a history finished as %s: its resolution target is %s', (_name, finish, outcome, after?: object) => {
    const history = [
      ev(0, 'case.created', { status: 'ready' }),
      ev(60, 'case.status_changed', { from: 'ready', ...finish }),
      ...(after ? [ev(90, 'case.status_changed', { from: finish.to, ...after })] : []),
    ];
    const last = (after ? 'closed' : finish.to) as Status;
    expect(slaColumns(replaySla(history, POLICY, OFFICE, t(600))!, last).resolutionOutcome).toBe(outcome);
  });
});
