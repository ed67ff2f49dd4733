import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, type BuiltInRoleId } from './permissions.ts';
import { type PasswordLogin, passwordSignInAllowed, safeReturnPath, type SsoOutcome, ssoOutcome, ssoScopes } from './sso.ts';

const perms = (role: BuiltInRoleId) => new Set<string>(BUILT_IN_ROLES[role].permissions);

describe('password sign-in while single sign-on is on', () => {
  const roles = Object.keys(BUILT_IN_ROLES) as BuiltInRoleId[];
  const table: [boolean, PasswordLogin, BuiltInRoleId, boolean][] = roles.flatMap((role) => [
    [false, 'everyone', role, true],
    // Limiting passwords means nothing while single sign-on is off: nobody could sign in at all.
    [false, 'admins', role, true],
    [true, 'everyone', role, true],
    [true, 'admins', role, role === 'admin'],
  ]);
  it.each(table)('sso on %s, passwords for %s, %s → %s', (ssoEnabled, passwordLogin, role, allowed) => {
    expect(passwordSignInAllowed({ ssoEnabled, passwordLogin }, perms(role))).toBe(allowed);
  });
});

describe('what a sign-in at the provider leads to', () => {
  const verified = { email: 'Ana@Example.test', emailVerified: true };
  const active = { id: 'u1', active: true };
  const create = { createUsers: true };
  const existingOnly = { createUsers: false };
  const table: [string, Parameters<typeof ssoOutcome>, SsoOutcome][] = [
    ['verified, existing active user', [verified, active, existingOnly], { kind: 'sign_in', userId: 'u1' }],
    ['verified, existing user, creation on', [verified, active, create], { kind: 'sign_in', userId: 'u1' }],
    ['verified, deactivated user', [verified, { id: 'u1', active: false }, create], { kind: 'refused', reason: 'user_inactive' }],
    ['verified, unknown, creation on', [verified, null, create], { kind: 'create' }],
    ['verified, unknown, existing users only', [verified, null, existingOnly], { kind: 'refused', reason: 'unknown_user' }],
    [
      'unverified email',
      [{ email: 'a@example.test', emailVerified: false }, active, create],
      { kind: 'refused', reason: 'email_unverified' },
    ],
    // Some providers send the string "true": only a real boolean counts as the provider's word.
    [
      'email_verified as a string',
      [{ email: 'a@example.test', emailVerified: 'true' }, active, create],
      { kind: 'refused', reason: 'email_unverified' },
    ],
    [
      'email_verified missing',
      [{ email: 'a@example.test', emailVerified: undefined }, active, create],
      { kind: 'refused', reason: 'email_unverified' },
    ],
    ['no email', [{ email: null, emailVerified: true }, active, create], { kind: 'refused', reason: 'email_missing' }],
    ['blank email', [{ email: ' ', emailVerified: true }, null, create], { kind: 'refused', reason: 'email_missing' }],
    ['invitation, same address', [verified, null, existingOnly, { email: 'ana@example.test' }], { kind: 'accept_invitation' }],
    [
      'invitation, another address',
      [verified, null, create, { email: 'bo@example.test' }],
      { kind: 'refused', reason: 'invitation_email_mismatch' },
    ],
    [
      'invitation, unverified address',
      [{ email: 'ana@example.test', emailVerified: false }, null, create, { email: 'ana@example.test' }],
      { kind: 'refused', reason: 'email_unverified' },
    ],
    [
      'invitation, account exists already',
      [verified, active, existingOnly, { email: 'ana@example.test' }],
      { kind: 'sign_in', userId: 'u1' },
    ],
  ];
  it.each(table)('%s', (_name, [identity, match, settings, invitation], outcome) => {
    expect(ssoOutcome(identity, match, settings, invitation ?? null)).toEqual(outcome);
  });
});

describe('scopes', () => {
  it.each([
    ['openid email profile', ['openid', 'email', 'profile']],
    ['email  profile', ['openid', 'email', 'profile']],
    ['  email openid email ', ['email', 'openid']],
    ['', ['openid']],
  ])('%j → %j', (raw, scopes) => {
    expect(ssoScopes(raw)).toEqual(scopes);
  });
});

describe('where a sign-in returns to', () => {
  it.each([
    [null, '/'],
    ['', '/'],
    ['/cases/1?tab=history#m2', '/cases/1?tab=history#m2'],
    ['/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['evil.example', '/'],
    ['/login?next=/x', '/'],
    ['/cases\n/1', '/'],
    ['/cases\t/1', '/'],
    [`/${'a'.repeat(2001)}`, '/'],
  ])('%j → %j', (next, path) => {
    expect(safeReturnPath(next)).toBe(path);
  });
});
