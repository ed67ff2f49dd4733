import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { CustomerInput } from './customers.ts';
import { uuidv7Many } from '../../ids.ts';
import { phoneOrRaw } from '../../phone.ts';

type Rec = {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  externalId: string | null;
  isNew: boolean;
  changed: boolean;
};
type Clean = { name: string | null; email: string | null; phone: string | null; externalId: string | null };

const clean = (c: CustomerInput | null | undefined): Clean | null => {
  const v = {
    name: c?.name?.trim() || null,
    email: c?.email?.trim() || null,
    phone: phoneOrRaw(c?.phone),
    externalId: c?.externalId?.trim() || null,
  };
  return v.name || v.email || v.phone || v.externalId ? v : null;
};

type Row = { id: string; name: string | null; email: string | null; phone: string | null; external_id: string | null; k: string };
type Existing = { byEmail: Map<string, Rec>; byPhone: Map<string, Rec>; byExternal: Map<string, Rec> };

/** Existing customers with these external ids, emails (lower-cased) or phones, oldest first per key. */
async function loadExisting(trx: Kysely<Database>, emails: string[], phones: string[], externalIds: string[]): Promise<Existing> {
  const byEmail = new Map<string, Rec>();
  const byPhone = new Map<string, Rec>();
  const byExternal = new Map<string, Rec>();
  const recs = new Map<string, Rec>();
  const rec = (r: Row) =>
    recs.get(r.id) ??
    recs
      .set(r.id, { id: r.id, name: r.name, email: r.email, phone: r.phone, externalId: r.external_id, isNew: false, changed: false })
      .get(r.id)!;
  if (externalIds.length) {
    const r = await sql<Row>`SELECT c.id::text AS id, c.name, c.email, c.phone, c.external_id, f.external_id AS k FROM customers f
      JOIN customers c ON c.id = COALESCE(f.merged_into, f.id)
      WHERE f.external_id = ANY(${externalIds}::text[])`.execute(trx);
    for (const row of r.rows) byExternal.set(row.k, rec(row));
  }
  // A merged customer's external id, email or phone reaches the customer it was merged into
  // (migration 016). One index probe per key (customers_email, customers_phone), whatever the planner's
  // statistics say: compared as `= ANY(keys)`, thousands of keys made it scan every customer.
  if (emails.length) {
    const r = await sql<Row>`SELECT c.id::text AS id, c.name, c.email, c.phone, c.external_id, x.k FROM unnest(${emails}::text[]) AS x(k)
      CROSS JOIN LATERAL (SELECT cu.id, cu.name, cu.email, cu.phone, cu.external_id
        FROM (SELECT id, merged_into FROM customers WHERE email IS NOT NULL AND lower(email) = x.k ORDER BY created_at, id LIMIT 1) f
        JOIN customers cu ON cu.id = COALESCE(f.merged_into, f.id)) c`.execute(trx);
    for (const row of r.rows) byEmail.set(row.k, rec(row));
  }
  if (phones.length) {
    const r = await sql<Row>`SELECT c.id::text AS id, c.name, c.email, c.phone, c.external_id, x.k FROM unnest(${phones}::text[]) AS x(k)
      CROSS JOIN LATERAL (SELECT cu.id, cu.name, cu.email, cu.phone, cu.external_id
        FROM (SELECT id, merged_into FROM customers WHERE phone IS NOT NULL AND phone = x.k ORDER BY created_at, id LIMIT 1) f
        JOIN customers cu ON cu.id = COALESCE(f.merged_into, f.id)) c`.execute(trx);
    for (const row of r.rows) byPhone.set(row.k, rec(row));
  }
  return { byEmail, byPhone, byExternal };
}

/**
 * Matches or creates the customers of many cases at once, with the same outcome as calling
 * findOrCreateCustomer for each in order (an imported external id first, then email, then phone;
 * missing details filled in, an external id only where the customer has none), in five
 * statements whatever the count. Returns one customer id (or null) per input.
 */
export async function matchOrCreateCustomers(
  trx: Kysely<Database>,
  inputs: (CustomerInput | null | undefined)[],
  now: Date,
): Promise<(string | null)[]> {
  const items = inputs.map(clean);
  const emails = [...new Set(items.flatMap((c) => (c?.email ? [c.email.toLowerCase()] : [])))];
  const phones = [...new Set(items.flatMap((c) => (c?.phone ? [c.phone] : [])))];
  const externalIds = [...new Set(items.flatMap((c) => (c?.externalId ? [c.externalId] : [])))];
  const { byEmail, byPhone, byExternal } = await loadExisting(trx, emails, phones, externalIds);
  const all = new Set<Rec>([...byEmail.values(), ...byPhone.values(), ...byExternal.values()]);
  const created: Rec[] = [];
  const matched = items.map((c) => {
    if (!c) return null;
    let r =
      (c.externalId ? byExternal.get(c.externalId) : undefined) ??
      (c.email ? byEmail.get(c.email.toLowerCase()) : undefined) ??
      (c.phone ? byPhone.get(c.phone) : undefined);
    if (r) {
      if (!r.externalId && c.externalId && !byExternal.has(c.externalId)) {
        r.externalId = c.externalId;
        r.changed = true;
      }
      if (!r.name && c.name) {
        r.name = c.name;
        r.changed = true;
      }
      if (!r.email && c.email) {
        r.email = c.email;
        r.changed = true;
      }
      if (!r.phone && c.phone) {
        r.phone = c.phone;
        r.changed = true;
      }
    } else {
      r = { id: '', ...c, isNew: true, changed: false };
      created.push(r);
      all.add(r);
    }
    if (r.email && !byEmail.has(r.email.toLowerCase())) byEmail.set(r.email.toLowerCase(), r);
    if (r.phone && !byPhone.has(r.phone)) byPhone.set(r.phone, r);
    if (r.externalId && !byExternal.has(r.externalId)) byExternal.set(r.externalId, r);
    return r;
  });
  // New customers' ids in the order they were first named, drawn at once.
  uuidv7Many(created.map(() => now.getTime())).forEach((id, i) => {
    created[i]!.id = id;
  });
  await saveCustomers(trx, [...all], now);
  return matched.map((r) => r?.id ?? null);
}

async function saveCustomers(trx: Kysely<Database>, recs: Rec[], now: Date): Promise<void> {
  const created = recs.filter((r) => r.isNew);
  const col = (rs: Rec[], k: 'id' | 'name' | 'email' | 'phone' | 'externalId') => rs.map((r) => r[k]);
  for (let i = 0; i < created.length; i += 5000) {
    const part = created.slice(i, i + 5000);
    await sql`INSERT INTO customers (id, name, email, phone, external_id, created_at)
      SELECT u.id, u.name, u.email, u.phone, u.external_id, ${now.toISOString()}::timestamptz
      FROM unnest(${col(part, 'id')}::uuid[], ${col(part, 'name')}::text[], ${col(part, 'email')}::text[], ${col(part, 'phone')}::text[],
        ${col(part, 'externalId')}::text[]) AS u(id, name, email, phone, external_id)`.execute(trx);
  }
  const changed = recs.filter((r) => !r.isNew && r.changed);
  if (changed.length) {
    await sql`UPDATE customers c SET name = u.name, email = u.email, phone = u.phone, external_id = u.external_id
      FROM unnest(${col(changed, 'id')}::uuid[], ${col(changed, 'name')}::text[], ${col(changed, 'email')}::text[], ${col(changed, 'phone')}::text[],
        ${col(changed, 'externalId')}::text[]) AS u(id, name, email, phone, external_id)
      WHERE c.id = u.id`.execute(trx);
  }
}
