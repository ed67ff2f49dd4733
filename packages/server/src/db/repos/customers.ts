import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { uuidv7 } from '../../ids.ts';

export type CustomerInput = {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Imports only: the customer's id in the helpdesk the history comes from. */
  externalId?: string | null;
};

/** Matches a customer by email (case-insensitive), then phone; creates one if new. Fills in missing details. */
export async function findOrCreateCustomer(trx: Kysely<Database>, input: CustomerInput, now: Date): Promise<string | null> {
  const email = input.email?.trim() || null;
  const phone = input.phone?.trim() || null;
  const name = input.name?.trim() || null;
  if (!email && !phone && !name) return null;
  let found: { id: string } | undefined;
  if (email)
    found = await trx
      .selectFrom('customers')
      .select('id')
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .orderBy('created_at')
      .executeTakeFirst();
  if (!found && phone)
    found = await trx.selectFrom('customers').select('id').where('phone', '=', phone).orderBy('created_at').executeTakeFirst();
  if (found) {
    await sql`UPDATE customers SET name = COALESCE(name, ${name}), email = COALESCE(email, ${email}), phone = COALESCE(phone, ${phone})
      WHERE id = ${found.id}::uuid AND (name IS NULL OR email IS NULL OR phone IS NULL)`.execute(trx);
    return found.id;
  }
  const id = uuidv7(now.getTime());
  await trx.insertInto('customers').values({ id, name, email, phone, created_at: now }).execute();
  return id;
}
