import {
  canEditMacro,
  canUseMacro,
  checkFieldValue,
  checkMacroSteps,
  macroScopeRefusal,
  type CannedScope,
  type MacroFacts,
  type MacroStep,
} from '@casework/domain';
import type { Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { findMacro, type Macro } from '../db/repos/macros.ts';
import { listFieldDefinitions } from '../db/repos/case-fields.ts';
import { forbidden, invalid, notFound, type FieldError } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { recordSharedChange } from './audit/record-audit.ts';

/** A macro as asked for; the title trimmed and checked for length by the route. */
export type MacroInput = { title: string; steps: MacroStep[]; scope: CannedScope; teamId: string | null };

const scopeHelp: Record<string, string> = {
  'macro.team': "Keeping a team's macros needs the macro.team permission.",
  'admin.macros': "Keeping the organisation's macros needs the admin.macros permission.",
};

/** 403 naming the permission, or 400 naming teamId, when the actor may not keep a macro in this scope; a named team must exist. */
async function checkScope(trx: Kysely<Database>, actor: AppUser, target: Pick<MacroFacts, 'scope' | 'teamId'>): Promise<void> {
  const refusal = macroScopeRefusal(actor, target);
  if (refusal && 'permission' in refusal) throw forbidden(refusal.permission, scopeHelp[refusal.permission]);
  if (refusal) throw invalid([{ field: 'teamId', message: refusal.message }]);
  if (target.teamId === null) return;
  const team = await trx.selectFrom('teams').select('id').where('id', '=', target.teamId).executeTakeFirst();
  if (!team) throw invalid([{ field: 'teamId', message: 'names a team that does not exist' }]);
}

/**
 * The steps as the domain checks them (`checkMacroSteps`: combinations, what the saver's role can
 * ever take, the steps' own values), and what only the database knows: every field a set_fields
 * step names is defined and its value fits, an assign step's team and owner exist. All problems
 * at once, each naming `steps.<i>…`; nothing is saved.
 */
async function checkSteps(trx: Kysely<Database>, actor: AppUser, steps: MacroStep[]): Promise<void> {
  const problems: FieldError[] = checkMacroSteps(actor, steps);
  const definitions = steps.some((s) => s.type === 'set_fields') ? await listFieldDefinitions(trx) : [];
  for (const [i, step] of steps.entries()) {
    if (step.type === 'set_fields') {
      for (const [key, value] of Object.entries(step.fields)) {
        const d = definitions.find((x) => x.key === key);
        const check = d ? checkFieldValue(d, value) : { ok: false as const, message: 'is not a custom field' };
        if (!check.ok) problems.push({ field: `steps.${i}.fields.${key}`, message: check.message });
      }
    }
    if (step.type === 'assign' && step.teamId !== undefined) {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', step.teamId).executeTakeFirst();
      if (!team) problems.push({ field: `steps.${i}.teamId`, message: 'names a team that does not exist' });
    }
    if (step.type === 'assign' && step.ownerId) {
      const user = await trx.selectFrom('users').select('active').where('id', '=', step.ownerId).executeTakeFirst();
      if (!user?.active) problems.push({ field: `steps.${i}.ownerId`, message: 'names no active user' });
    }
  }
  if (problems.length) throw invalid(problems);
}

/** What the audit log compares of a shared macro. */
const audited = (r: Macro) => ({ title: r.title, scope: r.scope, teamId: r.teamId, steps: r.steps });
const target = (id: string) => ({ type: 'macro', id });

/** Saves a macro in a scope the actor may keep (personal: theirs), with steps their role can take. */
export async function createMacro(deps: Deps, actor: AppUser, input: MacroInput): Promise<Macro> {
  const id = uuidv7();
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await checkScope(trx, actor, input);
    await checkSteps(trx, actor, input.steps);
    await trx
      .insertInto('macros')
      .values({
        id,
        title: input.title,
        scope: input.scope,
        owner_id: input.scope === 'personal' ? actor.id : null,
        team_id: input.teamId,
        steps: JSON.stringify(input.steps),
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordSharedChange(trx, deps, actor, target(id), null, audited((await findMacro(trx, id))!));
  });
  return (await findMacro(deps.db.kysely, id))!;
}

/** The macro, locked, if the actor may change it: 404 when they may not use it, 403 when they may not change it. */
async function editableMacro(trx: Kysely<Database>, actor: AppUser, id: string): Promise<Macro> {
  const row = await trx.selectFrom('macros').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const macro = row ? await findMacro(trx, id) : undefined;
  if (!macro || !canUseMacro(actor, macro)) throw notFound('Macro');
  if (!canEditMacro(actor, macro)) {
    const refusal = macroScopeRefusal(actor, macro);
    const permission = refusal && 'permission' in refusal ? refusal.permission : 'macro.team';
    throw forbidden(permission, scopeHelp[permission]);
  }
  return macro;
}

/** Changes a macro's title, steps or scope; a new scope must be one the actor may keep too. */
export async function updateMacro(
  deps: Deps,
  actor: AppUser,
  id: string,
  input: Partial<Omit<MacroInput, 'teamId'>> & { teamId?: string | null },
): Promise<Macro> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await editableMacro(trx, actor, id);
    const scope = input.scope ?? current.scope;
    const teamId = input.teamId !== undefined ? input.teamId : input.scope && input.scope !== current.scope ? null : current.teamId;
    if (scope !== current.scope || teamId !== current.teamId) await checkScope(trx, actor, { scope, teamId });
    if (input.steps !== undefined) await checkSteps(trx, actor, input.steps);
    await trx
      .updateTable('macros')
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.steps !== undefined ? { steps: JSON.stringify(input.steps) } : {}),
        scope,
        team_id: teamId,
        owner_id: scope === 'personal' ? (current.ownerId ?? actor.id) : null,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .execute();
    await recordSharedChange(trx, deps, actor, target(id), audited(current), audited((await findMacro(trx, id))!));
  });
  return (await findMacro(deps.db.kysely, id))!;
}

/** Removes a macro for everyone who used it. */
export async function deleteMacro(deps: Deps, actor: AppUser, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await editableMacro(trx, actor, id);
    await trx.deleteFrom('macros').where('id', '=', id).execute();
    await recordSharedChange(trx, deps, actor, target(id), audited(current), null);
  });
}
