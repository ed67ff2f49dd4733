import { canonicalTimeZone } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { findUserActor, type AppUser } from '../auth/actor.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { invalid } from '../errors.ts';
import { recordAudit } from './audit/record-audit.ts';

export type MePatch = { name?: string; timeZone?: string | null; password?: string; currentPassword?: string };

/**
 * The signed-in user changes their own name, time zone (null: the organisation's) or password.
 * A new password needs the current one and signs the user out everywhere else (the session
 * making the change stays).
 */
export async function updateMe(deps: Deps, actor: AppUser, patch: MePatch): Promise<AppUser> {
  const zone = patch.timeZone ? canonicalTimeZone(patch.timeZone) : patch.timeZone;
  if (zone === null && patch.timeZone) throw invalid([{ field: 'timeZone', message: 'is not an IANA time zone' }]);
  const set: Record<string, unknown> = { updated_at: deps.clock.now() };
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (zone !== undefined) set.time_zone = zone || null;
  if (patch.password !== undefined) {
    const row = await deps.db.kysely.selectFrom('users').select('password_hash').where('id', '=', actor.id).executeTakeFirstOrThrow();
    if (!patch.currentPassword || !(await verifyPassword(row.password_hash, patch.currentPassword))) {
      throw invalid([{ field: 'currentPassword', message: 'is not correct' }]);
    }
    set.password_hash = await hashPassword(patch.password);
  }
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('users')
      .select(['name', 'time_zone'])
      .where('id', '=', actor.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await trx.updateTable('users').set(set).where('id', '=', actor.id).execute();
    await recordAudit(trx, deps, actor, {
      action: 'user.updated',
      target: { type: 'user', id: actor.id, label: actor.email },
      before: { name: before.name, timeZone: before.time_zone },
      after: {
        name: set.name ?? before.name,
        timeZone: zone !== undefined ? zone || null : before.time_zone,
        ...(patch.password !== undefined ? { password: patch.password } : {}),
      },
    });
    if (patch.password !== undefined) {
      const keep = actor.via === 'session' ? actor.credentialId : '';
      await trx.deleteFrom('sessions').where('user_id', '=', actor.id).where('id', '<>', keep).execute();
    }
  });
  return (await findUserActor(deps.db.kysely, actor.id))!;
}
