import { sql, type Kysely } from 'kysely';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { customerVisibleTo } from '../db/sql-rules.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { PHONE_HINT, normalisePhone } from '../phone.ts';
import { notifyCustomerChanged } from '../realtime/hub.ts';

export type CustomerPatch = { name?: string | null; email?: string | null; phone?: string | null };

/** Locks a customer the actor may see (canViewCustomer) and is not merged away; undefined otherwise. */
export async function lockVisibleCustomer(
  trx: Kysely<Database>,
  actor: AppUser,
  id: string,
): Promise<{ id: string; name: string | null; email: string | null; phone: string | null } | undefined> {
  const r = await sql<{ id: string; name: string | null; email: string | null; phone: string | null }>`SELECT cu.id::text AS id,
      cu.name, cu.email, cu.phone
    FROM customers cu WHERE cu.id = ${id}::uuid AND cu.merged_into IS NULL AND ${customerVisibleTo(actor)} FOR UPDATE OF cu`.execute(trx);
  return r.rows[0];
}

// The shape the API's `email` format accepts elsewhere: something@domain.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const blankToNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : v.trim() || null);

/**
 * Changes a customer's name, email or phone (`customer.edit`, on a customer the actor sees).
 * A customer keeps at least one of the three; an email another customer already has is refused
 * (409 naming `email`): two customers with one address would split that address's cases, and
 * merging them is the way to join them.
 */
export async function updateCustomer(deps: Deps, actor: AppUser, id: string, patch: CustomerPatch): Promise<void> {
  const typedPhone = blankToNull(patch.phone);
  // A typed number is stored in E.164 (phone.ts); one that is not an international number is refused.
  const phone = typedPhone ? normalisePhone(typedPhone) : typedPhone;
  const next = { name: blankToNull(patch.name), email: blankToNull(patch.email), phone };
  await deps.db.kysely.transaction().execute(async (trx) => {
    const cu = await lockVisibleCustomer(trx, actor, id);
    if (!cu) throw notFound('Customer');
    const after = {
      name: next.name === undefined ? cu.name : next.name,
      email: next.email === undefined ? cu.email : next.email,
      phone: next.phone === undefined ? cu.phone : next.phone,
    };
    if (next.email && !EMAIL.test(next.email)) throw invalid([{ field: 'email', message: 'is not an email address' }]);
    if (typedPhone && !phone) throw invalid([{ field: 'phone', message: PHONE_HINT }]);
    if (!after.name && !after.email && !after.phone)
      throw invalid([{ field: 'name', message: 'a customer needs a name, an email or a phone number' }]);
    if (after.email && after.email.toLowerCase() !== cu.email?.toLowerCase()) {
      const other = await trx
        .selectFrom('customers')
        .select('id')
        .where(sql`lower(email)`, '=', after.email.toLowerCase())
        .where('merged_into', 'is', null)
        .where('id', '<>', id)
        .executeTakeFirst();
      if (other)
        throw conflict('Another customer has this email; merge the two customers instead.', {
          fields: [{ field: 'email', message: 'belongs to another customer' }],
        });
    }
    const now = deps.clock.now();
    await trx
      .updateTable('customers')
      .set({ ...after, updated_at: now })
      .where('id', '=', id)
      .execute();
    await notifyCustomerChanged(trx, [id], now);
  });
}
