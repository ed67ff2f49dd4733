import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, canView, type BuiltInRoleId } from './permissions.ts';
import { MAX_REPORT_DAYS, countsAsResolved, inReportScope, reportDays, reportScope } from './reports.ts';
import type { Actor, Resolution, ResolutionReason, Status } from './types.ts';

const ME = 'u-me';
const MINE = 't-mine';
const OTHER = 't-other';
const actor = (role: BuiltInRoleId, perms?: string[]): Actor =>
  ({ id: ME, permissions: new Set(perms ?? BUILT_IN_ROLES[role].permissions), teamIds: [MINE], timeZone: 'UTC' }) as unknown as Actor;

/** [case, counted for: admin, supervisor, agent, viewer]. */
const CASES = [
  ['my team, owned by me', { teamId: MINE, ownerId: ME }, [true, true, true, true]],
  ['my team, owned by someone else', { teamId: MINE, ownerId: 'u-x' }, [true, true, false, true]],
  ['my team, unowned', { teamId: MINE, ownerId: null }, [true, true, false, true]],
  ['another team, owned by me', { teamId: OTHER, ownerId: ME }, [true, true, true, false]],
  ['another team, someone else', { teamId: OTHER, ownerId: 'u-x' }, [true, true, false, false]],
] as const;
const ROLES = ['admin', 'supervisor', 'agent', 'viewer'] as const;

describe('countsAsResolved', () => {
  it.each([
    ['resolved', 'completed', null, true],
    ['resolved', 'unresolved', null, true],
    ['closed', 'completed', null, true],
    ['resolved', 'unresolved', 'abandoned', false],
    ['closed', 'unresolved', 'abandoned', false],
    ['canceled', 'canceled', null, false],
    ['spam', null, null, false],
    ['new', null, null, false],
    ['ready', null, null, false],
    ['waiting', null, null, false],
  ] as [Status, Resolution | null, ResolutionReason | null, boolean][])('%s, %s, %s: %s', (status, resolution, resolutionReason, want) => {
    expect(countsAsResolved({ status, resolution, resolutionReason })).toBe(want);
  });
});

describe('reportScope', () => {
  it.each(ROLES)('%s: the built-in scope', (role) => {
    const want = { admin: 'all', supervisor: 'all', agent: 'own', viewer: 'teams' }[role];
    expect(reportScope(actor(role)).kind).toBe(want);
  });

  const cells = CASES.flatMap(([what, c, counted]) => ROLES.map((role, i) => ({ what, role, c, want: counted[i] })));
  it.each(cells)('$role, $what → counted $want, and only if visible', ({ role, c, want }) => {
    const a = actor(role);
    const counted = inReportScope(reportScope(a), c);
    expect(counted).toBe(want);
    if (counted) expect(canView(a, { ...c, type: 'email', status: 'new', collaboratorIds: [] })).toBe(true);
  });

  it('a supervisor limited to teams (no view_all) counts only those teams, not cases owned or followed elsewhere', () => {
    const limited = actor('supervisor', ['case.view_team', 'report.view_team']);
    expect(reportScope(limited)).toEqual({ kind: 'teams', teamIds: [MINE] });
    expect(inReportScope(reportScope(limited), { teamId: OTHER, ownerId: ME })).toBe(false);
  });

  it('report.view_team without any view permission counts nothing of the teams', () => {
    const bare = actor('viewer', ['report.view_team']);
    expect(reportScope(bare)).toEqual({ kind: 'teams', teamIds: [] });
  });
});

describe('reportDays', () => {
  const hours = (d: { start: Date; end: Date }) => (d.end.getTime() - d.start.getTime()) / 3_600_000;

  it.each([
    ['Europe/Berlin', '2026-03-28', '2026-03-30', [24, 23, 24], '2026-03-27T23:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-25', [25], '2026-10-24T22:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-09', [23, 24], '2026-03-08T05:00:00.000Z'],
    ['America/Santiago', '2026-09-06', '2026-09-06', [23], '2026-09-06T04:00:00.000Z'],
    ['UTC', '2024-02-28', '2024-03-01', [24, 24, 24], '2024-02-28T00:00:00.000Z'],
  ] as const)('%s %s…%s: days of %j hours from %s', (zone, from, to, lengths, first) => {
    const r = reportDays(from, to, zone);
    if (!r.ok) throw new Error(r.message);
    expect(r.days.map(hours)).toEqual(lengths);
    expect(r.days[0]!.start.toISOString()).toBe(first);
    expect(r.days[0]!.date).toBe(from);
    expect(r.days.at(-1)!.date).toBe(to);
    for (const [i, d] of r.days.slice(1).entries()) expect(d.start).toEqual(r.days[i]!.end);
  });

  it.each([
    ['2026-13-01', '2026-12-01', 'from'],
    ['2026-02-30', '2026-03-01', 'from'],
    ['2026-01-01', 'yesterday', 'to'],
    ['2026-03-02', '2026-03-01', 'to'],
    ['2023-01-01', '2026-01-02', 'to'],
  ] as const)('%s…%s is refused naming %s', (from, to, field) => {
    const r = reportDays(from, to, 'UTC');
    expect(r.ok ? null : r.field).toBe(field);
  });

  it('three years is the longest range', () => {
    const r = reportDays('2024-01-01', '2026-12-31', 'UTC');
    expect(r.ok && r.days.length).toBe(MAX_REPORT_DAYS);
  });
});
