import type { Actor, CaseFacts, Resolution } from './types.ts';
import { RESOLUTIONS } from './types.ts';
import { can, type CaseAction, type Permission } from './permissions.ts';
import { isPriority, readTags, type Priority } from './case-data.ts';
import type { FieldValue } from './fields.ts';
import { unknownPlaceholders, type CannedScope } from './canned-replies.ts';

/**
 * Macros (SPEC §11): a named list of steps an agent applies to a case at once. Each step is one
 * of the single actions, applied in order through that action's own rules, all in one transaction.
 */
export const MACRO_STEP_TYPES = [
  'reply',
  'note',
  'add_tags',
  'remove_tags',
  'set_priority',
  'set_fields',
  'follow',
  'wait',
  'resolve',
  'assign',
] as const;
export type MacroStepType = (typeof MACRO_STEP_TYPES)[number];

export type MacroStep =
  | { type: 'reply' | 'note'; body: string }
  | { type: 'add_tags' | 'remove_tags'; tags: string[] }
  | { type: 'set_priority'; priority: Priority }
  | { type: 'set_fields'; fields: Record<string, FieldValue | null> }
  | { type: 'follow' }
  | { type: 'wait'; wakeInMinutes?: number }
  | { type: 'resolve'; resolution: Resolution }
  | { type: 'assign'; teamId?: string; ownerId?: string | null };

/** A macro holds at most one step that changes the status or the team (SPEC §11). */
export const STATUS_STEP_TYPES = ['wait', 'resolve', 'assign'] as const satisfies readonly MacroStepType[];

export const MACRO_LIMITS = {
  steps: 20,
  /** A wait step wakes the case at most a year later. */
  wakeInMinutes: 366 * 24 * 60,
} as const;

/** The fields each step type takes besides `type`: required (true) or optional (false). */
export const MACRO_STEP_FIELDS = {
  reply: { body: true },
  note: { body: true },
  add_tags: { tags: true },
  remove_tags: { tags: true },
  set_priority: { priority: true },
  set_fields: { fields: true },
  follow: {},
  wait: { wakeInMinutes: false },
  resolve: { resolution: true },
  assign: { teamId: false, ownerId: false },
} as const satisfies Record<MacroStepType, Record<string, boolean>>;

/**
 * Reads a step as given (its values' types already checked by the API's schema): a known type,
 * the fields that type takes and no other. Problems name `steps.<i>.<field>`.
 */
export function readMacroStep(
  raw: Readonly<Record<string, unknown>>,
  i: number,
): { ok: true; step: MacroStep } | { ok: false; problems: MacroProblem[] } {
  const at = `steps.${i}`;
  const type = raw.type;
  if (typeof type !== 'string' || !(MACRO_STEP_TYPES as readonly string[]).includes(type))
    return { ok: false, problems: [{ field: `${at}.type`, message: `must be one of ${MACRO_STEP_TYPES.join(', ')}` }] };
  const takes: Readonly<Record<string, boolean>> = MACRO_STEP_FIELDS[type as MacroStepType];
  const problems: MacroProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== 'type' && !Object.hasOwn(takes, key)) problems.push({ field: `${at}.${key}`, message: `is not a field of a ${type} step` });
  }
  for (const [key, required] of Object.entries(takes)) {
    if (required && raw[key] === undefined) problems.push({ field: `${at}.${key}`, message: `is required for a ${type} step` });
  }
  return problems.length ? { ok: false, problems } : { ok: true, step: raw as MacroStep };
}

/** The case action a step takes (the same one the single action checks), for a case as it is. */
export function stepAction(step: MacroStep): CaseAction {
  switch (step.type) {
    case 'reply':
    case 'note':
      return 'message';
    case 'add_tags':
    case 'remove_tags':
    case 'set_priority':
    case 'set_fields':
      return 'edit';
    case 'follow':
      return 'follow';
    case 'wait':
      return 'set_waiting';
    case 'resolve':
      return step.resolution === 'canceled' ? 'cancel' : 'resolve';
    case 'assign':
      return step.teamId === undefined && step.ownerId === null ? 'unassign' : 'assign';
  }
}

/** The permissions of which a role needs one to ever take an action (on some case). */
const ACTION_PERMISSIONS: Partial<Record<CaseAction, readonly Permission[]>> = {
  message: ['case.message', 'case.message.team'],
  edit: ['case.edit', 'case.edit.team'],
  follow: ['case.follow'],
  set_waiting: ['case.set_waiting', 'case.set_waiting.own'],
  resolve: ['case.resolve', 'case.resolve.own'],
  cancel: ['case.cancel'],
  assign: ['case.assign'],
  unassign: ['case.unassign', 'case.unassign.own'],
};

/** Whether the user's role could take this step on some case (a step it never can is refused when saving). */
export function roleMayTakeStep(user: Pick<Actor, 'permissions'>, step: MacroStep): boolean {
  return (ACTION_PERMISSIONS[stepAction(step)] ?? []).some((p) => user.permissions.has(p));
}

export type MacroProblem = { field: string; message: string };

/**
 * Checks a macro's steps as saved (their shape is the API schema's): at least one step, at most
 * one status step (wait, resolve, assign), every step one the saver's role can take, bodies
 * without unknown placeholders, tags that can be tags, a known priority, a wait of a positive
 * number of minutes, an assign that names a team or an owner. Problems name `steps.<i>` (and the
 * step's own field, as `steps.<i>.body`). Field keys, teams and users are checked by the caller.
 */
export function checkMacroSteps(user: Pick<Actor, 'permissions'>, steps: readonly MacroStep[]): MacroProblem[] {
  const problems: MacroProblem[] = [];
  if (steps.length === 0) problems.push({ field: 'steps', message: 'must hold at least one step' });
  if (steps.length > MACRO_LIMITS.steps) problems.push({ field: 'steps', message: `holds at most ${MACRO_LIMITS.steps} steps` });
  let statusStep: number | null = null;
  steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if ((STATUS_STEP_TYPES as readonly string[]).includes(step.type)) {
      if (statusStep !== null)
        problems.push({ field: at, message: `a macro takes at most one of wait, resolve and assign (step ${statusStep} is one)` });
      else statusStep = i;
    }
    if (!roleMayTakeStep(user, step)) {
      problems.push({ field: at, message: `your role can never take a ${step.type} step` });
      return;
    }
    problems.push(...stepShapeProblems(step, at));
  });
  return problems;
}

function stepShapeProblems(step: MacroStep, at: string): MacroProblem[] {
  switch (step.type) {
    case 'reply':
    case 'note': {
      if (!step.body.trim()) return [{ field: `${at}.body`, message: 'must not be blank' }];
      const unknown = unknownPlaceholders(step.body);
      return unknown.length
        ? [{ field: `${at}.body`, message: `has unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` }]
        : [];
    }
    case 'add_tags':
    case 'remove_tags': {
      if (step.tags.length === 0) return [{ field: `${at}.tags`, message: 'must name at least one tag' }];
      const read = readTags(step.tags, `${at}.tags`, null);
      return read.ok ? [] : read.problems;
    }
    case 'set_priority':
      return isPriority(step.priority) ? [] : [{ field: `${at}.priority`, message: `is not a priority (${step.priority})` }];
    case 'set_fields':
      return Object.keys(step.fields).length ? [] : [{ field: `${at}.fields`, message: 'must set at least one field' }];
    case 'wait': {
      const m = step.wakeInMinutes;
      if (m === undefined) return [];
      return Number.isInteger(m) && m > 0 && m <= MACRO_LIMITS.wakeInMinutes
        ? []
        : [{ field: `${at}.wakeInMinutes`, message: `must be a whole number of minutes from 1 to ${MACRO_LIMITS.wakeInMinutes}` }];
    }
    case 'resolve':
      return (RESOLUTIONS as readonly string[]).includes(step.resolution)
        ? []
        : [{ field: `${at}.resolution`, message: 'is not a resolution' }];
    case 'assign':
      return step.teamId === undefined && step.ownerId === undefined
        ? [{ field: at, message: 'names a team (teamId), an owner (ownerId) or both' }]
        : [];
    case 'follow':
      return [];
  }
}

type Subject = Pick<CaseFacts, 'type' | 'status' | 'teamId' | 'ownerId' | 'collaboratorIds'>;

/**
 * The first step the user may not take on the case as it is now (its index), or null when they
 * may take every one: only such macros are offered on a case. Following a case one already
 * follows changes nothing, so it is never in the way. The steps are then applied in order
 * through the single actions' rules, which have the last word.
 */
export function firstBlockedStep(user: Actor, c: Subject, steps: readonly MacroStep[]): number | null {
  const i = steps.findIndex((step) => {
    if (step.type === 'follow' && c.collaboratorIds.includes(user.id)) return false;
    return !can(user, stepAction(step), c);
  });
  return i === -1 ? null : i;
}

/** Macros are kept like canned replies: personal, a team's, or the organisation's. */
export type MacroFacts = { scope: CannedScope; ownerId: string | null; teamId: string | null };

type User = Pick<Actor, 'id' | 'permissions' | 'teamIds'>;

/** Who may use (list, apply) a macro: its maker (personal), its team's members (team), everyone (organisation). */
export function canUseMacro(user: User, m: MacroFacts): boolean {
  if (m.scope === 'personal') return m.ownerId === user.id;
  if (m.scope === 'team') return m.teamId !== null && user.teamIds.includes(m.teamId);
  return true;
}

/** Why the user may not keep a macro in this scope: a permission (403) or the team field (400). */
export type MacroScopeRefusal = { permission: 'macro.team' | 'admin.macros' } | { field: 'teamId'; message: string };

/**
 * May the user create, change into, or change or remove a macro of this scope? Personal ones:
 * anyone. Team ones: `macro.team` (supervisors and administrators) and a member of that team.
 * Organisation ones: `admin.macros`. Returns the refusal, or null. Whether a team exists is the caller's.
 */
export function macroScopeRefusal(user: User, target: Pick<MacroFacts, 'scope' | 'teamId'>): MacroScopeRefusal | null {
  if (target.scope !== 'team') {
    if (target.teamId !== null) return { field: 'teamId', message: `must be left out for a ${target.scope} macro` };
    return target.scope === 'organisation' && !user.permissions.has('admin.macros') ? { permission: 'admin.macros' } : null;
  }
  if (!user.permissions.has('macro.team')) return { permission: 'macro.team' };
  if (target.teamId === null) return { field: 'teamId', message: 'is required for a team macro' };
  if (!user.teamIds.includes(target.teamId)) return { field: 'teamId', message: 'names a team you are not a member of' };
  return null;
}

/** May the user change or remove this macro: they may use it and keep macros of its scope. */
export function canEditMacro(user: User, m: MacroFacts): boolean {
  return canUseMacro(user, m) && macroScopeRefusal(user, m) === null;
}
