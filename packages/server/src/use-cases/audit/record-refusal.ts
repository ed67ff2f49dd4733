import type { AppUser } from '../../auth/actor.ts';
import type { Deps } from '../../deps.ts';
import { recordAudit } from './record-audit.ts';

/**
 * A signed-in user was refused a change in the administration (their role lacks the `admin.*`
 * permission the route needs): an `access.refused` entry, as nothing else records the attempt.
 * Reads refused are not entries (a page that merely asks is no attempt to change anything).
 */
export async function recordRefusedChange(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: AppUser,
  attempt: { method: string; route: string; permission: string },
): Promise<void> {
  await recordAudit(deps.db.kysely, deps, actor, {
    action: 'access.refused',
    target: { type: 'route', id: `${attempt.method} ${attempt.route}` },
    detail: { reason: 'forbidden', permission: attempt.permission },
  });
}
