import { describe, expect, it } from 'vitest';
import {
  afterSecondFactorFailure,
  expiryOf,
  isAdministrator,
  oneTimeState,
  SECOND_FACTOR_LIMIT,
  secondFactorAllowed,
  stepAfterPassword,
  twoFactorRequired,
  TWO_FACTOR_POLICIES,
  type OneTimeState,
  type PasswordSignInStep,
  type TwoFactorPolicy,
} from './accounts.ts';
import { BUILT_IN_ROLES, type BuiltInRoleId } from './permissions.ts';

const T0 = new Date('2026-03-29T00:30:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const H = 3_600_000;

describe('single-use links: validity windows', () => {
  it.each([
    ['invitation', 24 * H],
    ['password_reset', H],
    ['pending_sign_in', 10 * 60_000],
    ['sso_sign_in', 10 * 60_000],
  ] as const)('%s lasts %i ms', (kind, ms) => {
    expect(expiryOf(kind, T0).getTime() - T0.getTime()).toBe(ms);
  });

  const expires = at(H);
  const cases: [string, { usedAt: Date | null; revokedAt?: Date | null }, Date, OneTimeState][] = [
    ['fresh', { usedAt: null }, T0, 'valid'],
    ['one millisecond before expiry', { usedAt: null }, at(H - 1), 'valid'],
    ['at expiry', { usedAt: null }, at(H), 'expired'],
    ['after expiry', { usedAt: null }, at(2 * H), 'expired'],
    ['used, still in time', { usedAt: at(10) }, at(20), 'used'],
    ['used and expired', { usedAt: at(10) }, at(2 * H), 'used'],
    ['revoked, in time', { usedAt: null, revokedAt: at(5) }, at(10), 'revoked'],
    ['revoked and expired', { usedAt: null, revokedAt: at(5) }, at(2 * H), 'revoked'],
    ['used before it was revoked', { usedAt: at(5), revokedAt: at(6) }, at(10), 'used'],
  ];
  it.each(cases)('%s → %s', (_name, facts, now, state) => {
    expect(oneTimeState({ expiresAt: expires, ...facts }, now)).toBe(state);
  });
});

const perms = (role: BuiltInRoleId) => new Set<string>(BUILT_IN_ROLES[role].permissions);

describe('who must use a second factor', () => {
  /** [off, admins, everyone] per built-in role. */
  const TABLE: Record<BuiltInRoleId, Record<TwoFactorPolicy, boolean>> = {
    admin: { off: false, admins: true, everyone: true },
    supervisor: { off: false, admins: false, everyone: true },
    agent: { off: false, admins: false, everyone: true },
    viewer: { off: false, admins: false, everyone: true },
  };
  const cells = Object.entries(TABLE).flatMap(([role, row]) =>
    TWO_FACTOR_POLICIES.map((policy) => ({ role: role as BuiltInRoleId, policy, expected: row[policy] })),
  );
  it.each(cells)('$role under "$policy": $expected', ({ role, policy, expected }) => {
    expect(twoFactorRequired(policy, perms(role))).toBe(expected);
  });

  it.each([
    [['admin.users'], true],
    [['admin.channels'], true],
    [['admin.tokens'], true],
    [['admin.views'], false],
    [['case.view_all', 'case.assign'], false],
    [[], false],
  ])('a custom role with %j is an administrator: %s', (list, expected) => {
    expect(isAdministrator(new Set(list))).toBe(expected);
  });

  const steps: [string, boolean, BuiltInRoleId, TwoFactorPolicy, PasswordSignInStep][] = [
    ['enrolled agent, policy off', true, 'agent', 'off', 'second_factor'],
    ['enrolled admin, admins', true, 'admin', 'admins', 'second_factor'],
    ['agent without, admins', false, 'agent', 'admins', 'signed_in'],
    ['admin without, admins', false, 'admin', 'admins', 'enrol'],
    ['agent without, everyone', false, 'agent', 'everyone', 'enrol'],
    ['admin without, off', false, 'admin', 'off', 'signed_in'],
  ];
  it.each(steps)('after the password: %s', (_n, enabled, role, policy, step) => {
    expect(stepAfterPassword({ twoFactorEnabled: enabled, permissions: perms(role) }, policy)).toBe(step);
  });
});

describe('wrong second-factor codes are limited per user', () => {
  const W = SECOND_FACTOR_LIMIT.windowMs;
  const N = SECOND_FACTOR_LIMIT.failures;
  it.each([
    ['no failures', { count: 0, since: null }, T0, true],
    ['one under the limit', { count: N - 1, since: T0 }, at(1000), true],
    ['at the limit, inside the window', { count: N, since: T0 }, at(W - 1), false],
    ['at the limit, window over', { count: N, since: T0 }, at(W), true],
    ['far over the limit, inside the window', { count: N + 7, since: T0 }, at(1), false],
  ] as const)('%s → allowed %s', (_n, f, now, allowed) => {
    expect(secondFactorAllowed(f, now).allowed).toBe(allowed);
  });

  it('says how long until the window ends', () => {
    expect(secondFactorAllowed({ count: N, since: T0 }, at(60_000))).toEqual({ allowed: false, retryAfterMs: W - 60_000 });
  });

  it.each([
    ['the first failure starts a window', { count: 0, since: null }, at(5), { count: 1, since: at(5) }],
    ['a failure inside the window counts on', { count: 2, since: T0 }, at(W - 1), { count: 3, since: T0 }],
    ['a failure after the window starts a new one', { count: N, since: T0 }, at(W + 5), { count: 1, since: at(W + 5) }],
  ] as const)('%s', (_n, f, now, next) => {
    expect(afterSecondFactorFailure(f, now)).toEqual(next);
  });

  it('N failures in a row lock the user out until the window ends', () => {
    let f = { count: 0, since: null as Date | null };
    for (let i = 0; i < N; i++) {
      expect(secondFactorAllowed(f, at(i * 1000)).allowed).toBe(true);
      f = afterSecondFactorFailure(f, at(i * 1000));
    }
    expect(secondFactorAllowed(f, at(N * 1000)).allowed).toBe(false);
    expect(secondFactorAllowed(f, at(W)).allowed).toBe(true);
  });
});
