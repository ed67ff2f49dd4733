import { useQuery } from '@tanstack/react-query';
import {
  MACRO_STEP_TYPES,
  macroScopeRefusal,
  CANNED_SCOPES,
  roleMayTakeStep,
  type CannedScope,
  type MacroStepType,
} from '@casework/domain';
import { api, type Answer } from '../../api/client';
import type { Case, Me } from '../../api/types';
import { PRIORITY_LABELS } from '../case-data/case-data-api';

/** A macro as GET /macros returns it (only those this user may use). */
export type Macro = Answer<'/macros', 'get'>['macros'][number];
export type MacroStepInput = Macro['steps'][number];

export const macroKeys = { list: ['macros'] as const, forCase: (caseId: string) => ['macros', 'case', caseId] as const };

/** The macros this user may use, by title; with a case, only those whose every step they may take on it now. */
export function useMacros(caseId?: string) {
  return useQuery({
    queryKey: caseId ? macroKeys.forCase(caseId) : macroKeys.list,
    queryFn: async () => (await api.get<'/macros'>(caseId ? `/macros?caseId=${encodeURIComponent(caseId)}` : '/macros')).macros,
    staleTime: caseId ? 0 : 30_000,
  });
}

/** Applies a macro: every step at once, or nothing (the error names the refused step). */
export function applyMacro(caseId: string, macroId: string): Promise<Case> {
  return api.post<'/cases/{id}/apply-macro'>(`/cases/${encodeURIComponent(caseId)}/apply-macro`, { macroId });
}

/** The signed-in user as the domain's macro rules read them. */
export const macroUser = (me: Me) => ({ id: me.id, permissions: new Set<string>(me.permissions), teamIds: me.teamIds });

/** The scopes this user may keep macros in (the domain's rule). */
export function keepableMacroScopes(me: Me | undefined): CannedScope[] {
  if (!me) return [];
  const user = macroUser(me);
  return CANNED_SCOPES.filter(
    (scope) => macroScopeRefusal(user, { scope, teamId: scope === 'team' ? (user.teamIds[0] ?? null) : null }) === null,
  );
}

/** A new step of a type, with the values its form starts from. */
export function blankStep(type: MacroStepType): MacroStepInput {
  switch (type) {
    case 'reply':
    case 'note':
      return { type, body: '' };
    case 'add_tags':
    case 'remove_tags':
      return { type, tags: [] };
    case 'set_priority':
      return { type, priority: 'high' };
    case 'set_fields':
      return { type, fields: {} };
    case 'resolve':
      return { type, resolution: 'completed' };
    case 'assign':
      return { type, ownerId: null };
    default:
      return { type };
  }
}

/** The step types this user's role may ever take (the domain's rule), offered when writing a macro. */
export function takeableStepTypes(me: Me | undefined): MacroStepType[] {
  if (!me) return [];
  const user = macroUser(me);
  return MACRO_STEP_TYPES.filter((type) => roleMayTakeStep(user, blankStep(type) as Parameters<typeof roleMayTakeStep>[1]));
}

export const STEP_LABELS: Record<MacroStepType, string> = {
  reply: 'Reply to the customer',
  note: 'Add an internal note',
  add_tags: 'Add tags',
  remove_tags: 'Remove tags',
  set_priority: 'Set priority',
  set_fields: 'Set fields',
  follow: 'Follow the case',
  wait: 'Set waiting',
  resolve: 'Resolve',
  assign: 'Assign',
};

const RESOLUTION_WORDS = { completed: 'completed', unresolved: 'unresolved', canceled: 'cancel' } as const;

/** One step in words, for lists and the apply dialog ("Add tags: billing, refund"). */
export function describeStep(step: MacroStepInput, teamName: (id: string) => string): string {
  switch (step.type) {
    case 'reply':
    case 'note':
      return `${STEP_LABELS[step.type]}: “${(step.body ?? '').split('\n')[0]}”`;
    case 'add_tags':
    case 'remove_tags':
      return `${STEP_LABELS[step.type]}: ${(step.tags ?? []).join(', ')}`;
    case 'set_priority':
      return `Priority: ${step.priority ? PRIORITY_LABELS[step.priority] : ''}`;
    case 'set_fields':
      return `Set ${Object.keys(step.fields ?? {}).join(', ')}`;
    case 'wait':
      return step.wakeInMinutes ? `Set waiting for ${hoursText(step.wakeInMinutes)}` : 'Set waiting';
    case 'resolve':
      return step.resolution === 'canceled' ? 'Cancel the case' : `Resolve (${RESOLUTION_WORDS[step.resolution ?? 'completed']})`;
    case 'assign':
      return step.teamId ? `Move to ${teamName(step.teamId)}` : 'Remove the owner';
    default:
      return STEP_LABELS[step.type];
  }
}

function hoursText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}
