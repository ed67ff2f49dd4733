import { describe, expect, it } from 'vitest';
import { auditChanges, auditKeptSince, auditRetentionProblem, isSecretField, maskSecrets, SECRET_MARK, secretChanges } from './audit.ts';

describe('isSecretField', () => {
  it.each([
    ['password', true],
    ['smtpPassword', true],
    ['imap_password', true],
    ['clientSecret', true],
    ['secret', true],
    ['authToken', true],
    ['token', true],
    ['password_hash', true],
    ['apiKey', true],
    ['recoveryCodes', true],
    ['code', true],
    ['tokenId', false],
    ['passwordLogin', false],
    ['name', false],
    ['email', false],
    ['issuer', false],
    ['clientId', false],
    ['codeLength', false],
  ])('%s → %s', (name, secret) => expect(isSecretField(name)).toBe(secret));
});

describe('auditChanges', () => {
  it.each<[string, Record<string, unknown> | null, Record<string, unknown> | null, Record<string, { from: unknown; to: unknown }>]>([
    [
      'created: every field from null',
      null,
      { name: 'Support', teamIds: ['a'] },
      { name: { from: null, to: 'Support' }, teamIds: { from: null, to: ['a'] } },
    ],
    ['deleted: every field to null', { name: 'Support' }, null, { name: { from: 'Support', to: null } }],
    ['only what differs', { name: 'A', active: true }, { name: 'B', active: true }, { name: { from: 'A', to: 'B' } }],
    ['arrays compared by value', { teamIds: ['a', 'b'] }, { teamIds: ['a', 'b'] }, {}],
    ['nothing changed', { name: 'A' }, { name: 'A' }, {}],
    ['a password set on create: marked, never its value', null, { password: 'hunter2' }, { password: { from: null, to: SECRET_MARK } }],
    [
      'a password given on update counts as changed',
      { name: 'A' },
      { name: 'A', password: 'new one' },
      { password: { from: null, to: SECRET_MARK } },
    ],
    ['a secret left out of an update is no change', { clientSecret: 'x' }, { clientSecret: undefined }, {}],
    ['a secret replaced', { clientSecret: 'old' }, { clientSecret: 'new' }, { clientSecret: { from: SECRET_MARK, to: SECRET_MARK } }],
    [
      'nested secrets masked',
      null,
      { settings: { host: 'h', password: 'p' } },
      { settings: { from: null, to: { host: 'h', password: SECRET_MARK } } },
    ],
    ['undefined on both sides left out', { a: undefined }, { a: undefined }, {}],
    ['created: empty fields left out', null, { name: 'A', timeZone: null, teamIds: [], note: '' }, { name: { from: null, to: 'A' } }],
    ['updated: a field emptied is a change', { teamIds: ['a'] }, { teamIds: [] }, { teamIds: { from: ['a'], to: [] } }],
  ])('%s', (_name, before, after, expected) => {
    expect(auditChanges(before, after)).toEqual(expected);
  });

  it('never holds a secret value, whatever the nesting', () => {
    const changes = auditChanges(
      { smtp: { password: 'old-pass' }, list: [{ token: 'tok-1' }] },
      { smtp: { password: 'new-pass' }, list: [{ token: 'tok-2' }] },
    );
    const text = JSON.stringify(changes);
    for (const secret of ['old-pass', 'new-pass', 'tok-1', 'tok-2']) expect(text).not.toContain(secret);
    expect(changes.smtp).toEqual({ from: { password: SECRET_MARK }, to: { password: SECRET_MARK } }); // changed, values masked
  });
});

describe('secretChanges', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, { from: unknown; to: unknown }>]>([
    ['set', {}, { authToken: 'a' }, { 'secret.authToken': { from: null, to: SECRET_MARK } }],
    ['replaced', { authToken: 'a' }, { authToken: 'b' }, { 'secret.authToken': { from: SECRET_MARK, to: SECRET_MARK } }],
    ['removed', { authToken: 'a' }, {}, { 'secret.authToken': { from: SECRET_MARK, to: null } }],
    ['kept', { authToken: 'a' }, { authToken: 'a' }, {}],
  ])('%s', (_name, before, after, expected) => {
    expect(secretChanges(before, after)).toEqual(expected);
    expect(JSON.stringify(secretChanges(before, after))).not.toMatch(/"[ab]"/);
  });
});

describe('maskSecrets', () => {
  it('masks at any depth and leaves the rest', () => {
    expect(maskSecrets({ a: 1, b: [{ secret: 's', c: 'x' }], d: null })).toEqual({ a: 1, b: [{ secret: SECRET_MARK, c: 'x' }], d: null });
  });
});

describe('retention', () => {
  it.each([
    [365, null],
    [30, null],
    [3650, null],
    [29, 'must be between 30 and 3650 days'],
    [3651, 'must be between 30 and 3650 days'],
    [1.5, 'must be a whole number of days'],
  ])('%s days → %s', (days, problem) => expect(auditRetentionProblem(days)).toBe(problem));

  it('keeps entries since `days` whole days before now', () => {
    expect(auditKeptSince(new Date('2026-03-31T12:00:00Z'), 30).toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});
