import { sql } from 'kysely';
import { auditChanges, BUILT_IN_ROLES } from '@casework/domain';
import type { Db } from './connect.ts';
import { hashPassword } from '../auth/passwords.ts';
import { uuidv7 } from '../ids.ts';
import { insertAuditEntry } from './repos/audit-log.ts';

/** Makes sure the organisation row and the built-in roles exist and match the code. */
export async function ensureBaseline(db: Db, opts: { orgName?: string; timeZone?: string } = {}): Promise<void> {
  await db.kysely
    .insertInto('organisation')
    .values({
      id: 1,
      name: opts.orgName ?? 'Casework',
      time_zone: opts.timeZone ?? 'UTC',
      auto_close_days: 14,
      max_open_per_user: null,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  for (const [id, role] of Object.entries(BUILT_IN_ROLES)) {
    await db.kysely
      .insertInto('roles')
      .values({ id, name: role.name, permissions: [...role.permissions], built_in: true })
      .onConflict((oc) => oc.column('id').doUpdateSet({ name: role.name, permissions: [...role.permissions], built_in: true }))
      .execute();
  }
}

export async function countUsers(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(db.kysely);
  return r.rows[0]!.n;
}

/** Creates an administrator (the first one on an empty database, or another from the CLI). */
export async function createAdmin(db: Db, email: string, password: string, name = 'Administrator'): Promise<string> {
  if (password.length < 8) throw new Error('The admin password must have at least 8 characters.');
  const existing = await db.kysely.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
  if (existing) throw new Error(`A user with email ${email} already exists.`);
  const id = uuidv7();
  const passwordHash = await hashPassword(password);
  const now = new Date();
  // The operator's administrator (command line or CASEWORK_ADMIN_EMAIL) is in the audit log too, by nobody signed in.
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values({ id, email, name, password_hash: passwordHash, role_id: 'admin', time_zone: null, active: true, updated_at: now })
      .execute();
    await insertAuditEntry(trx, {
      id: uuidv7(now.getTime()),
      at: now,
      actorId: null,
      action: 'user.created',
      target: { type: 'user', id, label: email },
      ip: null,
      changes: auditChanges(null, { email, name, role: 'admin', active: true, password }),
      detail: { via: 'operator' },
    });
  });
  return id;
}
