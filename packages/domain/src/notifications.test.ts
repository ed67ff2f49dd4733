import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NOTIFICATION_TYPES,
  deliverableTo,
  mentionedEmails,
  nextDigestAt,
  notificationSettingsOf,
  notificationSummary,
  planNotifications,
  updateNotificationSettings,
  type CaseChange,
  type NotifiedCase,
} from './notifications.ts';
import { transition, type DomainEvent } from './lifecycle.ts';
import { BUILT_IN_ROLES } from './permissions.ts';
import type { Actor, CaseFacts } from './types.ts';

const OWNER = 'u-owner';
const FOLLOWER = 'u-follower';
const OTHER = 'u-other';
const base: NotifiedCase = { type: 'email', status: 'ready', teamId: 't1', ownerId: OWNER, collaboratorIds: [FOLLOWER] };
const ev = (type: string, data: Record<string, unknown> = {}): DomainEvent => ({ type, data });

describe('planNotifications: who is told what about one change', () => {
  const rows: [string, Partial<CaseChange> & { events: DomainEvent[] }, [string, string][]][] = [
    [
      'assigned by someone else: the new owner',
      { actorId: OTHER, events: [ev('case.assigned', { from: null, to: OWNER })] },
      [[OWNER, 'case.assigned']],
    ],
    ['assigned to oneself: nobody', { actorId: OWNER, events: [ev('case.assigned', { from: null, to: OWNER })] }, []],
    [
      'created for someone else: the owner',
      { actorId: OTHER, case: { ...base, collaboratorIds: [] }, events: [ev('case.created', { ownerId: OWNER })] },
      [[OWNER, 'case.assigned']],
    ],
    [
      'created unowned: nobody',
      { actorId: OTHER, case: { ...base, ownerId: null, collaboratorIds: [] }, events: [ev('case.created', { ownerId: null })] },
      [],
    ],
    [
      'customer message: owner (replied) and followers (activity)',
      { actorId: null, events: [ev('case.message_created', { direction: 'inbound', internal: false })] },
      [
        [OWNER, 'case.customer_replied'],
        [FOLLOWER, 'case.follow_activity'],
      ],
    ],
    [
      'customer message on a spam case: nobody',
      { actorId: null, case: { ...base, status: 'spam' }, events: [ev('case.message_created', { direction: 'inbound', internal: false })] },
      [],
    ],
    [
      'customer message on an unowned case: followers only',
      { actorId: null, case: { ...base, ownerId: null }, events: [ev('case.message_created', { direction: 'inbound', internal: false })] },
      [[FOLLOWER, 'case.follow_activity']],
    ],
    [
      'an agent reply: followers, not the owner, not the author',
      {
        actorId: FOLLOWER,
        case: { ...base, collaboratorIds: [FOLLOWER, OTHER] },
        events: [ev('case.message_created', { direction: 'outbound', internal: false })],
      },
      [[OTHER, 'case.follow_activity']],
    ],
    [
      'a note mentioning the owner and a follower: mentioned wins over activity',
      { actorId: OTHER, events: [ev('case.message_created', { direction: 'note', internal: true, mentionedUserIds: [OWNER, FOLLOWER] })] },
      [
        [OWNER, 'case.mentioned'],
        [FOLLOWER, 'case.mentioned'],
      ],
    ],
    [
      'mentioning oneself: nobody but the followers',
      { actorId: OWNER, events: [ev('case.message_created', { direction: 'note', internal: true, mentionedUserIds: [OWNER] })] },
      [[FOLLOWER, 'case.follow_activity']],
    ],
    [
      'mentions count only in internal notes',
      {
        actorId: OTHER,
        case: { ...base, collaboratorIds: [] },
        events: [ev('case.message_created', { direction: 'outbound', internal: false, mentionedUserIds: [OWNER] })],
      },
      [],
    ],
    [
      'the wake timer: the owner (woke) and followers',
      { actorId: null, events: [ev('case.status_changed', { from: 'waiting', to: 'ready', reason: 'wake_time_reached' })] },
      [
        [OWNER, 'case.woke'],
        [FOLLOWER, 'case.follow_activity'],
      ],
    ],
    [
      'woken by someone else: the owner',
      {
        actorId: OTHER,
        case: { ...base, collaboratorIds: [] },
        events: [ev('case.status_changed', { from: 'waiting', to: 'ready', reason: 'woken' })],
      },
      [[OWNER, 'case.woke']],
    ],
    [
      'woken by the owner: nobody',
      {
        actorId: OWNER,
        case: { ...base, collaboratorIds: [] },
        events: [ev('case.status_changed', { from: 'waiting', to: 'ready', reason: 'woken' })],
      },
      [],
    ],
    [
      'woken by a customer message: replied, not woke',
      {
        actorId: null,
        case: { ...base, collaboratorIds: [] },
        events: [
          ev('case.message_created', { direction: 'inbound', internal: false }),
          ev('case.status_changed', { from: 'waiting', to: 'ready', reason: 'customer_message' }),
        ],
      },
      [[OWNER, 'case.customer_replied']],
    ],
    [
      'resolved by the owner: followers',
      { actorId: OWNER, events: [ev('case.status_changed', { from: 'ready', to: 'resolved', reason: 'resolved' })] },
      [[FOLLOWER, 'case.follow_activity']],
    ],
    [
      'a claim: nobody',
      {
        actorId: OTHER,
        events: [ev('case.claimed', { ownerId: OTHER }), ev('case.status_changed', { from: 'new', to: 'ready', reason: 'claimed' })],
      },
      [],
    ],
    [
      'a follow, a team change, a field edit: nobody',
      {
        actorId: OTHER,
        events: [ev('case.collaborator_added', { userId: OTHER }), ev('case.team_changed', {}), ev('case.fields_changed', {})],
      },
      [],
    ],
  ];
  it.each(rows)('%s', (_name, change, expected) => {
    const got = planNotifications({ case: base, actorId: null, ...change }).map((p) => [p.userId, p.type]);
    expect(got.sort()).toEqual(expected.sort());
  });

  it('a claim through the lifecycle notifies nobody, even followers (claim-next writes claims in SQL)', () => {
    const c: CaseFacts = {
      type: 'email',
      status: 'new',
      teamId: 't1',
      ownerId: null,
      collaboratorIds: [FOLLOWER],
      wakeAt: null,
      createdAt: new Date(0),
      resolvedAt: null,
      resolution: null,
      resolutionReason: null,
      lastActivityAt: new Date(0),
      rating: null,
    } as unknown as CaseFacts;
    const outcome = transition(c, { kind: 'claim', actorId: OTHER } as never, new Date(1000));
    if (!outcome.ok) throw new Error('claim refused');
    expect(outcome.events.length).toBeGreaterThan(0);
    expect(planNotifications({ case: { ...c, ownerId: OTHER, status: 'ready' }, actorId: OTHER, events: outcome.events })).toEqual([]);
  });
});

describe('deliverableTo: visibility first, then the user’s media', () => {
  const actor = (role: keyof typeof BUILT_IN_ROLES, teamIds: string[], id = 'u1'): Actor => ({
    id,
    permissions: new Set(BUILT_IN_ROLES[role].permissions),
    teamIds,
    timeZone: 'UTC',
  });
  const off = notificationSettingsOf({ types: { 'case.assigned': { inApp: false, email: false, desktop: false } } });
  const rows: [string, Actor | undefined, NotifiedCase, ReturnType<typeof notificationSettingsOf>, string, object | null][] = [
    [
      'team member, defaults',
      actor('agent', ['t1']),
      base,
      DEFAULT_NOTIFICATION_SETTINGS,
      'case.assigned',
      { inApp: true, email: true, desktop: true },
    ],
    [
      'agent of another team who does not own or follow it',
      actor('agent', ['t2']),
      base,
      DEFAULT_NOTIFICATION_SETTINGS,
      'case.assigned',
      null,
    ],
    [
      'agent of another team who follows it',
      actor('agent', ['t2'], FOLLOWER),
      base,
      DEFAULT_NOTIFICATION_SETTINGS,
      'case.follow_activity',
      { inApp: true, email: false, desktop: false },
    ],
    [
      'supervisor sees every case',
      actor('supervisor', []),
      base,
      DEFAULT_NOTIFICATION_SETTINGS,
      'case.woke',
      { inApp: true, email: true, desktop: true },
    ],
    ['every medium off', actor('agent', ['t1']), base, off, 'case.assigned', null],
    ['gone (inactive or deleted)', undefined, base, DEFAULT_NOTIFICATION_SETTINGS, 'case.assigned', null],
  ];
  it.each(rows)('%s', (_n, user, c, settings, type, expected) => {
    expect(deliverableTo(user, settings, c, type as never)).toEqual(expected);
  });
});

describe('notification settings', () => {
  it('defaults fill what a user never chose; stored junk is ignored', () => {
    const s = notificationSettingsOf({ types: { 'case.woke': { email: false }, 'case.nope': { inApp: false } }, emailDigest: 'weekly' });
    expect(s.types['case.woke']).toEqual({ inApp: true, email: false, desktop: true });
    expect(s.types['case.assigned']).toEqual(DEFAULT_NOTIFICATION_SETTINGS.types['case.assigned']);
    expect(Object.keys(s.types)).toEqual([...NOTIFICATION_TYPES]);
    expect(s.emailDigest).toBe('off');
  });
  const rows: [string, Parameters<typeof updateNotificationSettings>[1], string[] | null][] = [
    ['one medium of one type', { types: { 'case.woke': { desktop: false } } }, null],
    ['the digest', { emailDigest: 'daily' }, null],
    ['an unknown type', { types: { 'case.closed': { inApp: true } } }, ['types.case.closed']],
    ['an unknown medium', { types: { 'case.assigned': { sms: true } } }, ['types.case.assigned.sms']],
    ['a medium that is not a boolean', { types: { 'case.assigned': { email: 'yes' } } }, ['types.case.assigned.email']],
    ['media that are not an object', { types: { 'case.assigned': true } }, ['types.case.assigned']],
    ['an unknown digest', { emailDigest: 'weekly' }, ['emailDigest']],
    [
      'several at once',
      { types: { x: {}, 'case.woke': { fax: true } }, emailDigest: 1 },
      ['types.x', 'types.case.woke.fax', 'emailDigest'],
    ],
  ];
  it.each(rows)('%s', (_n, input, fields) => {
    const r = updateNotificationSettings(DEFAULT_NOTIFICATION_SETTINGS, input);
    if (fields === null) expect(r.ok).toBe(true);
    else expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(fields);
  });
  it('a change keeps everything it does not name', () => {
    const r = updateNotificationSettings(DEFAULT_NOTIFICATION_SETTINGS, { types: { 'case.woke': { desktop: false } } });
    if (!r.ok) throw new Error('refused');
    expect(r.settings.types['case.woke']).toEqual({ inApp: true, email: true, desktop: false });
    expect(r.settings.types['case.assigned']).toEqual(DEFAULT_NOTIFICATION_SETTINGS.types['case.assigned']);
    expect(DEFAULT_NOTIFICATION_SETTINGS.types['case.woke'].desktop).toBe(true);
  });
});

describe('mentions', () => {
  const rows: [string, string[]][] = [
    ['@ann@acme.test please look', ['ann@acme.test']],
    ['cc @Ann@Acme.test and @bob.b+x@acme.co.uk.', ['ann@acme.test', 'bob.b+x@acme.co.uk']],
    ['(@ann@acme.test) twice @ann@acme.test', ['ann@acme.test']],
    ['mail me at joe@acme.test', []],
    ['an address like x@ann@acme.test is not a mention', []],
    ['@ann without an address', []],
  ];
  it.each(rows)('%s', (body, emails) => {
    expect(mentionedEmails(body)).toEqual(emails);
  });
});

describe('summaries and digests', () => {
  it('names the actor, the case and the customer', () => {
    const x = { actorName: 'Ann', reference: 'ABC123', subject: 'Printer', customerName: 'Carl' };
    expect(notificationSummary('case.assigned', x)).toBe('Ann assigned you #ABC123 Printer');
    expect(notificationSummary('case.customer_replied', x)).toBe('Carl wrote on #ABC123 Printer');
    expect(notificationSummary('case.woke', { ...x, actorName: null })).toBe('#ABC123 Printer woke up: its waiting time is over');
  });
  const rows: [string, 'hourly' | 'daily', string, string, string][] = [
    ['hourly: the next full hour', 'hourly', '2026-03-10T10:20:00Z', 'UTC', '2026-03-10T11:00:00.000Z'],
    ['hourly on the hour: the one after', 'hourly', '2026-03-10T10:00:00Z', 'UTC', '2026-03-10T11:00:00.000Z'],
    ['daily before 08:00 local: today', 'daily', '2026-03-10T05:00:00Z', 'Europe/Berlin', '2026-03-10T07:00:00.000Z'],
    ['daily after 08:00 local: tomorrow', 'daily', '2026-03-10T09:00:00Z', 'Europe/Berlin', '2026-03-11T07:00:00.000Z'],
    ['daily across the spring change', 'daily', '2026-03-28T12:00:00Z', 'Europe/Berlin', '2026-03-29T06:00:00.000Z'],
  ];
  it.each(rows)('%s', (_n, digest, now, zone, due) => {
    expect(nextDigestAt(digest, new Date(now), zone).toISOString()).toBe(due);
  });
});
