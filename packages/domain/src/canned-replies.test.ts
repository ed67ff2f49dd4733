import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  canEditCannedReply,
  cannedScopeRefusal,
  canUseCannedReply,
  firstNameOf,
  PLACEHOLDER_NAMES,
  placeholderToken,
  renderPlaceholders,
  unknownPlaceholders,
  type CannedReplyFacts,
  type PlaceholderContext,
} from './index.ts';

const full: PlaceholderContext = {
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  case: { reference: 'C-1042', subject: 'Printer on fire' },
  agent: { name: 'Grace Brewster Hopper' },
  organisation: { name: 'Acme' },
};
const noCustomer: PlaceholderContext = { ...full, customer: null };
const unnamed: PlaceholderContext = { ...full, customer: { name: null, email: 'x@example.com' } };

describe('unknownPlaceholders', () => {
  it.each([
    ['plain text', []],
    ['{{customer.name}} {{ case.reference }} {{agent.firstName}}', []],
    [PLACEHOLDER_NAMES.map(placeholderToken).join(' '), []],
    ['Hi {{customer.nmae}}', ['{{customer.nmae}}']],
    ['{{Customer.Name}}', ['{{Customer.Name}}']],
    ['{{}} and {{ }}', ['{{}}', '{{ }}']],
    ['{{foo}} {{foo}} {{bar}}', ['{{foo}}', '{{bar}}']],
    ['{single} {{ not closed', []],
    ['{{case.subject}}{{ticket.id}}', ['{{ticket.id}}']],
  ])('%j → %j', (body, unknown) => {
    expect(unknownPlaceholders(body)).toEqual(unknown);
  });
});

describe('renderPlaceholders', () => {
  it.each([
    ['Hi {{customer.firstName}}, about {{case.reference}}.', full, 'Hi Ada, about C-1042.'],
    ['{{customer.name}} <{{customer.email}}>', full, 'Ada Lovelace <ada@example.com>'],
    ['Re: {{ case.subject }}', full, 'Re: Printer on fire'],
    ['{{agent.firstName}} ({{agent.name}}) at {{organisation.name}}', full, 'Grace (Grace Brewster Hopper) at Acme'],
    // Missing values render as nothing, taking the space before them when punctuation or the end follows.
    ['Hi {{customer.firstName}},\nThanks', noCustomer, 'Hi,\nThanks'],
    ['Hi {{customer.name}}!', unnamed, 'Hi!'],
    ['Hi {{customer.name}}', noCustomer, 'Hi'],
    ['Hi {{customer.name}}\nBye', noCustomer, 'Hi\nBye'],
    ['Mail {{customer.email}} again', noCustomer, 'Mail  again'],
    ['Dear {{customer.firstName}} and team', unnamed, 'Dear  and team'],
    // Unknown placeholders (refused on save) stay as written; text without any is unchanged.
    ['{{ticket.id}} stays', full, '{{ticket.id}} stays'],
    ['No placeholders {here}', full, 'No placeholders {here}'],
  ])('%j', (body, ctx, rendered) => {
    expect(renderPlaceholders(body, ctx)).toBe(rendered);
  });

  it('fills every known placeholder', () => {
    const out = renderPlaceholders(PLACEHOLDER_NAMES.map(placeholderToken).join('|'), full);
    expect(out).not.toContain('{{');
    expect(out.split('|')).toHaveLength(PLACEHOLDER_NAMES.length);
  });

  it.each([
    ['Ada Lovelace', 'Ada'],
    ['  Ada  ', 'Ada'],
    ['Cher', 'Cher'],
    ['', ''],
    [null, ''],
  ])('first name of %j is %j', (name, first) => {
    expect(firstNameOf(name)).toBe(first);
  });
});

const perms = (role: keyof typeof BUILT_IN_ROLES) => new Set<string>(BUILT_IN_ROLES[role].permissions);
const user = (role: keyof typeof BUILT_IN_ROLES, teamIds = ['t1']) => ({ id: `u-${role}`, permissions: perms(role), teamIds });

describe('canned replies: who uses them', () => {
  const mine = (role: keyof typeof BUILT_IN_ROLES): CannedReplyFacts => ({ scope: 'personal', ownerId: `u-${role}`, teamId: null });
  it.each([
    ['agent', mine('agent'), true],
    ['agent', { scope: 'personal', ownerId: 'someone-else', teamId: null }, false],
    ['admin', { scope: 'personal', ownerId: 'someone-else', teamId: null }, false],
    ['agent', { scope: 'team', ownerId: null, teamId: 't1' }, true],
    ['agent', { scope: 'team', ownerId: null, teamId: 't2' }, false],
    ['admin', { scope: 'team', ownerId: null, teamId: 't2' }, false],
    ['agent', { scope: 'organisation', ownerId: null, teamId: null }, true],
    ['viewer', { scope: 'organisation', ownerId: null, teamId: null }, false],
    ['viewer', { scope: 'team', ownerId: null, teamId: 't1' }, false],
  ] as const)('%s uses %j: %s', (role, reply, allowed) => {
    expect(canUseCannedReply(user(role), reply)).toBe(allowed);
  });
});

describe('canned replies: who keeps them in a scope', () => {
  it.each([
    ['agent', 'personal', null, null],
    ['supervisor', 'personal', null, null],
    ['viewer', 'personal', null, { permission: 'case.message' }],
    ['agent', 'personal', 't1', { field: 'teamId' }],
    ['agent', 'team', 't1', { permission: 'canned.team' }],
    ['supervisor', 'team', 't1', null],
    ['admin', 'team', 't1', null],
    ['supervisor', 'team', 't2', { field: 'teamId' }],
    ['admin', 'team', 't2', { field: 'teamId' }],
    ['supervisor', 'team', null, { field: 'teamId' }],
    ['agent', 'organisation', null, { permission: 'admin.canned' }],
    ['supervisor', 'organisation', null, { permission: 'admin.canned' }],
    ['admin', 'organisation', null, null],
    ['admin', 'organisation', 't1', { field: 'teamId' }],
  ] as const)('%s, %s, team %s → %j', (role, scope, teamId, refusal) => {
    const r = cannedScopeRefusal(user(role), { scope, teamId });
    if (refusal === null) expect(r).toBeNull();
    else expect(r).toMatchObject(refusal);
  });

  it.each([
    ['agent', { scope: 'personal', ownerId: 'u-agent', teamId: null }, true],
    ['admin', { scope: 'personal', ownerId: 'u-agent', teamId: null }, false],
    ['agent', { scope: 'team', ownerId: null, teamId: 't1' }, false],
    ['supervisor', { scope: 'team', ownerId: null, teamId: 't1' }, true],
    ['supervisor', { scope: 'team', ownerId: null, teamId: 't2' }, false],
    ['supervisor', { scope: 'organisation', ownerId: null, teamId: null }, false],
    ['admin', { scope: 'organisation', ownerId: null, teamId: null }, true],
  ] as const)('%s edits %j: %s', (role, reply, allowed) => {
    expect(canEditCannedReply(user(role), reply)).toBe(allowed);
  });
});
