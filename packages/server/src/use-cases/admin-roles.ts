import type { Kysely } from 'kysely';
import { isPermission, PERMISSIONS } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../db/pg-errors.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { assertAdminRemains, lockAdminChanges } from './admin-users.ts';
import { notifyAccessChanged } from '../realtime/hub.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';

/** A role as the API returns it (`builtin` repeats `builtIn` for the web app's older spelling). */
export type RoleJson = { id: string; name: string; permissions: string[]; builtIn: boolean; builtin: boolean };

type RoleRow = { id: string; name: string; permissions: string[]; built_in: boolean };

const toJson = (r: RoleRow): RoleJson => ({
  id: r.id,
  name: r.name,
  permissions: [...r.permissions],
  builtIn: r.built_in,
  builtin: r.built_in,
});

/** Built-in roles first, then custom roles by name. */
export async function listRoles(db: Kysely<Database>): Promise<RoleJson[]> {
  const rows = await db
    .selectFrom('roles')
    .select(['id', 'name', 'permissions', 'built_in'])
    .orderBy('built_in', 'desc')
    .orderBy('name')
    .execute();
  return rows.map(toJson);
}

/** The id a role gets from its name: lowercase ASCII words joined by dashes ("Night shift" → "night-shift"). */
function roleSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** Keeps catalogue order and drops repeats; unknown names answer 400. */
function checkPermissions(perms: string[]): string[] {
  const unknown = perms.filter((p) => !isPermission(p));
  if (unknown.length) throw invalid([{ field: 'permissions', message: `unknown permissions: ${unknown.join(', ')}` }]);
  return PERMISSIONS.filter((p) => perms.includes(p));
}

const duplicate = (err: unknown) =>
  isUniqueViolation(err)
    ? conflict('A role with this name already exists.', { fields: [{ field: 'name', message: 'is already used' }] })
    : err;

/** Creates a custom role; its id is the slug of its name and must be new. */
const roleTarget = (r: { id: string; name: string }) => ({ type: 'role', id: r.id, label: r.name });

export async function createRole(deps: Deps, actor: AuditActor, input: { name: string; permissions: string[] }): Promise<RoleJson> {
  const name = input.name.trim();
  const id = roleSlug(name);
  if (!id) throw invalid([{ field: 'name', message: 'needs at least one letter or digit' }]);
  const row = { id, name, permissions: checkPermissions(input.permissions), built_in: false };
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('roles')
        .values({ ...row, created_at: deps.clock.now() })
        .execute();
      await recordAudit(trx, deps, actor, {
        action: 'role.created',
        target: roleTarget(row),
        before: null,
        after: { name, permissions: row.permissions },
      });
    });
  } catch (err) {
    throw duplicate(err);
  }
  return toJson(row);
}

async function lockRole(trx: Kysely<Database>, id: string): Promise<RoleRow> {
  const role = await trx
    .selectFrom('roles')
    .select(['id', 'name', 'permissions', 'built_in'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!role) throw notFound('Role');
  if (role.built_in) throw conflict('Built-in roles are read-only; make a copy.');
  return role;
}

/**
 * Renames a custom role or replaces its permissions; built-in roles are read-only.
 * Taking `admin.users` away from the last administrators' role is refused.
 */
export async function updateRole(
  deps: Deps,
  actor: AuditActor,
  id: string,
  p: { name?: string; permissions?: string[] },
): Promise<RoleJson> {
  const permissions = p.permissions && checkPermissions(p.permissions);
  try {
    return await deps.db.kysely.transaction().execute(async (trx) => {
      if (permissions) await lockAdminChanges(trx);
      const role = await lockRole(trx, id);
      const set = { ...(p.name !== undefined ? { name: p.name.trim() } : {}), ...(permissions ? { permissions } : {}) };
      if (Object.keys(set).length) await trx.updateTable('roles').set(set).where('id', '=', id).execute();
      if (permissions) await assertAdminRemains(trx);
      if (permissions) await notifyAccessChanged(trx, 'all', deps.clock.now());
      const after = { ...role, ...set };
      await recordAudit(trx, deps, actor, {
        action: 'role.updated',
        target: roleTarget(after),
        before: { name: role.name, permissions: role.permissions },
        after: { name: after.name, permissions: after.permissions },
      });
      return toJson(after);
    });
  } catch (err) {
    throw duplicate(err);
  }
}

/** Deletes a custom role nobody has (move its users to another role first). */
export async function deleteRole(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  const inUse = () => conflict('The role is still given to users; give them another role first.');
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const role = await lockRole(trx, id);
      const user = await trx.selectFrom('users').select('id').where('role_id', '=', id).limit(1).executeTakeFirst();
      if (user) throw inUse();
      await trx.deleteFrom('roles').where('id', '=', id).execute();
      await recordAudit(trx, deps, actor, {
        action: 'role.deleted',
        target: roleTarget(role),
        before: { name: role.name, permissions: role.permissions },
        after: null,
      });
    });
  } catch (err) {
    throw isForeignKeyViolation(err) ? inUse() : err;
  }
}
