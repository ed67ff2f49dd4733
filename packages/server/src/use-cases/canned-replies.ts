import {
  canEditCannedReply,
  cannedScopeRefusal,
  canUseCannedReply,
  unknownPlaceholders,
  type CannedReplyFacts,
  type CannedScope,
} from '@casework/domain';
import type { Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { findCannedReply, type CannedReply } from '../db/repos/canned-replies.ts';
import { forbidden, invalid, notFound, type FieldError } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { recordSharedChange } from './audit/record-audit.ts';

/** A canned reply as asked for; title and body already trimmed and checked for length by the route. */
export type CannedReplyInput = { title: string; body: string; scope: CannedScope; teamId: string | null };

const scopeHelp: Record<string, string> = {
  'case.message': 'Canned replies are for users who reply to customers.',
  'canned.team': "Keeping a team's canned replies needs the canned.team permission.",
  'admin.canned': "Keeping the organisation's canned replies needs the admin.canned permission.",
};

/** Refuses a body naming placeholders that do not exist (each named), before anything is saved. */
export function checkBody(body: string, errors: FieldError[]): void {
  const unknown = unknownPlaceholders(body);
  if (unknown.length)
    errors.push({ field: 'body', message: `has unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}` });
}

/** 403 naming the permission, or 400 naming teamId, when the actor may not keep a reply in this scope; a named team must exist. */
async function checkScope(trx: Kysely<Database>, actor: AppUser, target: Pick<CannedReplyFacts, 'scope' | 'teamId'>): Promise<void> {
  const refusal = cannedScopeRefusal(actor, target);
  if (refusal && 'permission' in refusal) throw forbidden(refusal.permission, scopeHelp[refusal.permission]);
  if (refusal) throw invalid([{ field: 'teamId', message: refusal.message }]);
  if (target.teamId === null) return;
  const team = await trx.selectFrom('teams').select('id').where('id', '=', target.teamId).executeTakeFirst();
  if (!team) throw invalid([{ field: 'teamId', message: 'names a team that does not exist' }]);
}

/** What the audit log compares of a shared canned reply. */
const audited = (r: CannedReply) => ({ title: r.title, body: r.body, scope: r.scope, teamId: r.teamId });
const target = (id: string) => ({ type: 'canned_reply', id });

/** Saves a canned reply in a scope the actor may keep (personal: theirs). */
export async function createCannedReply(deps: Deps, actor: AppUser, input: CannedReplyInput): Promise<CannedReply> {
  const id = uuidv7();
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await checkScope(trx, actor, input);
    await trx
      .insertInto('canned_replies')
      .values({
        id,
        title: input.title,
        body: input.body,
        scope: input.scope,
        owner_id: input.scope === 'personal' ? actor.id : null,
        team_id: input.teamId,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordSharedChange(trx, deps, actor, target(id), null, audited((await findCannedReply(trx, id))!));
  });
  return (await findCannedReply(deps.db.kysely, id))!;
}

/** The reply, locked, if the actor may change it: 404 when they may not use it, 403 when they may not change it. */
async function editableReply(trx: Kysely<Database>, actor: AppUser, id: string): Promise<CannedReply> {
  const row = await trx.selectFrom('canned_replies').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  const reply = row ? await findCannedReply(trx, id) : undefined;
  if (!reply || !canUseCannedReply(actor, reply)) throw notFound('Canned reply');
  if (!canEditCannedReply(actor, reply)) {
    const refusal = cannedScopeRefusal(actor, reply);
    const permission = refusal && 'permission' in refusal ? refusal.permission : 'canned.team';
    throw forbidden(permission, scopeHelp[permission]);
  }
  return reply;
}

/** Changes a reply's title, body or scope; a new scope must be one the actor may keep too. */
export async function updateCannedReply(
  deps: Deps,
  actor: AppUser,
  id: string,
  input: Partial<Omit<CannedReplyInput, 'teamId'>> & { teamId?: string | null },
): Promise<CannedReply> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await editableReply(trx, actor, id);
    const scope = input.scope ?? current.scope;
    const teamId = input.teamId !== undefined ? input.teamId : input.scope && input.scope !== current.scope ? null : current.teamId;
    if (scope !== current.scope || teamId !== current.teamId) await checkScope(trx, actor, { scope, teamId });
    await trx
      .updateTable('canned_replies')
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        scope,
        team_id: teamId,
        owner_id: scope === 'personal' ? (current.ownerId ?? actor.id) : null,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .execute();
    await recordSharedChange(trx, deps, actor, target(id), audited(current), audited((await findCannedReply(trx, id))!));
  });
  return (await findCannedReply(deps.db.kysely, id))!;
}

/** Removes a reply for everyone who used it. */
export async function deleteCannedReply(deps: Deps, actor: AppUser, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const current = await editableReply(trx, actor, id);
    await trx.deleteFrom('canned_replies').where('id', '=', id).execute();
    await recordSharedChange(trx, deps, actor, target(id), audited(current), null);
  });
}
