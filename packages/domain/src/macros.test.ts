import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_ROLES,
  canEditMacro,
  canUseMacro,
  checkMacroSteps,
  firstBlockedStep,
  macroScopeRefusal,
  readMacroStep,
  roleMayTakeStep,
  stepAction,
  type Actor,
  type BuiltInRoleId,
  type CaseFacts,
  type MacroFacts,
  type MacroStep,
  type Permission,
} from './index.ts';

const user = (role: BuiltInRoleId, id = 'u1', teamIds = ['t1']): Actor =>
  ({ id, teamIds, permissions: new Set<Permission>(BUILT_IN_ROLES[role].permissions) }) as unknown as Actor;

const caseOf = (over: Partial<CaseFacts> = {}) =>
  ({ type: 'email', status: 'ready', teamId: 't1', ownerId: 'u1', collaboratorIds: [], ...over }) as CaseFacts;

const tag: MacroStep = { type: 'add_tags', tags: ['billing'] };
const untag: MacroStep = { type: 'remove_tags', tags: ['triage'] };
const reply: MacroStep = { type: 'reply', body: 'Hi {{customer.firstName}},' };
const note: MacroStep = { type: 'note', body: 'Checked' };
const priority: MacroStep = { type: 'set_priority', priority: 'high' };
const fields: MacroStep = { type: 'set_fields', fields: { order: 'A-1' } };
const follow: MacroStep = { type: 'follow' };
const wait: MacroStep = { type: 'wait', wakeInMinutes: 60 };
const resolve: MacroStep = { type: 'resolve', resolution: 'completed' };
const cancel: MacroStep = { type: 'resolve', resolution: 'canceled' };
const assign: MacroStep = { type: 'assign', teamId: 't2' };
const unassign: MacroStep = { type: 'assign', ownerId: null };

describe('stepAction: each step is the single action it stands for', () => {
  it.each([
    [reply, 'message'],
    [note, 'message'],
    [tag, 'edit'],
    [untag, 'edit'],
    [priority, 'edit'],
    [fields, 'edit'],
    [follow, 'follow'],
    [wait, 'set_waiting'],
    [resolve, 'resolve'],
    [cancel, 'cancel'],
    [assign, 'assign'],
    [{ type: 'assign', ownerId: 'u2' } as MacroStep, 'assign'],
    [unassign, 'unassign'],
  ] as const)('%j → %s', (step, action) => {
    expect(stepAction(step)).toBe(action);
  });
});

describe('roleMayTakeStep: a step type the role can never take', () => {
  // [admin, supervisor, agent, viewer]
  it.each([
    [reply, [1, 1, 1, 0]],
    [tag, [1, 1, 1, 0]],
    [follow, [1, 1, 1, 1]],
    [wait, [1, 1, 1, 0]],
    [resolve, [1, 1, 1, 0]],
    [cancel, [1, 1, 0, 0]],
    [assign, [1, 1, 0, 0]],
    [unassign, [1, 1, 1, 0]],
  ] as const)('%j', (step, expected) => {
    const roles = ['admin', 'supervisor', 'agent', 'viewer'] as const;
    expect(roles.map((r) => (roleMayTakeStep(user(r), step) ? 1 : 0))).toEqual(expected);
  });
});

describe('checkMacroSteps', () => {
  const agent = user('agent');
  it('accepts every step an agent may take, with one status step', () => {
    expect(checkMacroSteps(agent, [reply, note, tag, untag, priority, fields, follow, resolve])).toEqual([]);
  });
  it.each([
    [[], 'steps', 'must hold at least one step'],
    [[wait, resolve], 'steps.1', 'at most one of wait, resolve and assign'],
    [[tag, resolve, tag, unassign], 'steps.3', 'at most one of wait, resolve and assign'],
    [[tag, assign], 'steps.1', 'your role can never take a assign step'],
    [[cancel], 'steps.0', 'never take a resolve step'],
    [[{ type: 'reply', body: 'Hi {{customer.nmae}}' }], 'steps.0.body', 'unknown placeholder {{customer.nmae}}'],
    [[{ type: 'note', body: '  ' }], 'steps.0.body', 'must not be blank'],
    [[{ type: 'add_tags', tags: [] }], 'steps.0.tags', 'at least one tag'],
    [[{ type: 'add_tags', tags: ['ok', ' '] }], 'steps.0.tags.1', 'must not be blank'],
    [[{ type: 'set_priority', priority: 'asap' } as unknown as MacroStep], 'steps.0.priority', 'is not a priority'],
    [[{ type: 'set_fields', fields: {} }], 'steps.0.fields', 'at least one field'],
    [[{ type: 'wait', wakeInMinutes: 0 }], 'steps.0.wakeInMinutes', 'whole number of minutes'],
    [[{ type: 'wait', wakeInMinutes: 1.5 }], 'steps.0.wakeInMinutes', 'whole number of minutes'],
    [[{ type: 'resolve', resolution: 'done' } as unknown as MacroStep], 'steps.0.resolution', 'is not a resolution'],
    [[{ type: 'assign' }], 'steps.0', 'names a team'],
  ] as const)('%j → %s', (steps, field, message) => {
    const problems = checkMacroSteps(
      user(field === 'steps.0' && steps[0]?.type === 'assign' ? 'admin' : 'agent'),
      steps as unknown as MacroStep[],
    );
    expect(problems.find((p) => p.field === field)?.message).toContain(message);
  });
  it('refuses more than 20 steps', () => {
    expect(checkMacroSteps(agent, Array(21).fill(note))).toContainEqual({ field: 'steps', message: 'holds at most 20 steps' });
  });
  it('a viewer may keep a macro of follow steps only', () => {
    expect(checkMacroSteps(user('viewer'), [follow])).toEqual([]);
    expect(checkMacroSteps(user('viewer'), [follow, note])[0]!.field).toBe('steps.1');
  });
});

describe('firstBlockedStep: a macro is offered only when every step is allowed on the case', () => {
  const agent = user('agent');
  it.each([
    ['own ready case: tags and resolve', caseOf(), [tag, resolve], null],
    ['a teammate’s case: resolve is only for own cases', caseOf({ ownerId: 'u9' }), [tag, resolve], 1],
    ['waiting case: set waiting again is not offered', caseOf({ status: 'waiting' }), [note, wait], 1],
    ['closed case: nothing', caseOf({ status: 'closed' }), [note], 0],
    ['another team’s case: not visible, nothing', caseOf({ teamId: 't9', ownerId: null }), [follow], 0],
    ['following already: follow is no obstacle', caseOf({ collaboratorIds: ['u1'] }), [follow, note], null],
    ['agent may not move a case to a team', caseOf(), [assign], 0],
  ] as const)('%s', (_, c, steps, blocked) => {
    expect(firstBlockedStep(agent, c, steps as readonly MacroStep[])).toBe(blocked);
  });
  it('a supervisor may cancel and assign any visible case', () => {
    expect(firstBlockedStep(user('supervisor', 's1', []), caseOf({ ownerId: 'u9', teamId: 't7' }), [tag, cancel])).toBe(null);
    expect(firstBlockedStep(user('supervisor', 's1', []), caseOf({ teamId: 't7' }), [assign])).toBe(null);
  });
});

describe('macro scopes (as canned replies)', () => {
  const personal = (ownerId: string): MacroFacts => ({ scope: 'personal', ownerId, teamId: null });
  const team = (teamId: string): MacroFacts => ({ scope: 'team', ownerId: null, teamId });
  const org: MacroFacts = { scope: 'organisation', ownerId: null, teamId: null };
  it.each([
    ['agent', personal('u1'), true, true],
    ['agent', personal('u2'), false, false],
    ['agent', team('t1'), true, false],
    ['agent', team('t2'), false, false],
    ['agent', org, true, false],
    ['supervisor', team('t1'), true, true],
    ['supervisor', team('t2'), false, false],
    ['supervisor', org, true, false],
    ['admin', org, true, true],
    ['admin', team('t1'), true, true],
    ['viewer', personal('u1'), true, true],
  ] as const)('%s, %j: uses %s, edits %s', (role, m, uses, edits) => {
    expect(canUseMacro(user(role), m)).toBe(uses);
    expect(canEditMacro(user(role), m)).toBe(edits);
  });
  it.each([
    ['agent', { scope: 'team', teamId: 't1' }, { permission: 'macro.team' }],
    ['agent', { scope: 'organisation', teamId: null }, { permission: 'admin.macros' }],
    ['supervisor', { scope: 'team', teamId: null }, { field: 'teamId', message: 'is required for a team macro' }],
    ['supervisor', { scope: 'team', teamId: 't2' }, { field: 'teamId', message: 'names a team you are not a member of' }],
    ['supervisor', { scope: 'personal', teamId: 't1' }, { field: 'teamId', message: 'must be left out for a personal macro' }],
    ['admin', { scope: 'organisation', teamId: null }, null],
  ] as const)('%s keeping %j → %j', (role, target, refusal) => {
    expect(macroScopeRefusal(user(role), target)).toEqual(refusal);
  });
});

describe('readMacroStep: each type takes its own fields and no other', () => {
  it.each([
    [{ type: 'note', body: 'x' }, []],
    [{ type: 'wait' }, []],
    [{ type: 'assign', ownerId: null }, []],
    [{ type: 'shout' }, ['steps.2.type']],
    [{ type: 'note' }, ['steps.2.body']],
    [{ type: 'note', body: 'x', tags: ['a'] }, ['steps.2.tags']],
    [{ type: 'resolve', resolution: 'completed', colour: 'red' }, ['steps.2.colour']],
    [{ type: 'follow', body: 'x' }, ['steps.2.body']],
  ])('%j → %j', (raw, fields) => {
    const read = readMacroStep(raw, 2);
    expect(read.ok ? [] : read.problems.map((p) => p.field)).toEqual(fields);
  });
});
