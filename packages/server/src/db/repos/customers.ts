import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { uuidv7 } from '../../ids.ts';
import { phoneOrRaw } from '../../phone.ts';

export type CustomerInput = {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Imports only: the customer's id in the helpdesk the history comes from. */
  externalId?: string | null;
};

// A merged customer's row stays, pointing at the one it was merged into (migration 016): its
// email and phone reach that one. The match is share-locked, so a merge running at the same time
// either waits for this case (and moves it) or has committed, and the pointer is read after it.
const survivor = sql<string>`COALESCE(merged_into, id)::text`.as('id');

/** Matches a customer by email (case-insensitive), then phone (in E.164 where it reads as one: phone.ts); creates one if new. Fills in missing details. */
export async function findOrCreateCustomer(trx: Kysely<Database>, input: CustomerInput, now: Date): Promise<string | null> {
  const email = input.email?.trim() || null;
  const phone = phoneOrRaw(input.phone);
  const name = input.name?.trim() || null;
  if (!email && !phone && !name) return null;
  let found: { id: string } | undefined;
  if (email)
    found = await trx
      .selectFrom('customers')
      .select(survivor)
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .orderBy('created_at')
      .limit(1)
      .forShare()
      .executeTakeFirst();
  if (!found && phone)
    found = await trx
      .selectFrom('customers')
      .select(survivor)
      .where('phone', '=', phone)
      .orderBy('created_at')
      .limit(1)
      .forShare()
      .executeTakeFirst();
  if (found) {
    await sql`UPDATE customers SET name = COALESCE(name, ${name}), email = COALESCE(email, ${email}), phone = COALESCE(phone, ${phone})
      WHERE id = ${found.id}::uuid AND (name IS NULL OR email IS NULL OR phone IS NULL)`.execute(trx);
    return found.id;
  }
  const id = uuidv7(now.getTime());
  await trx.insertInto('customers').values({ id, name, email, phone, created_at: now }).execute();
  return id;
}
