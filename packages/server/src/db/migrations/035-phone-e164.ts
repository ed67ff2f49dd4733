import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { normalisePhone } from '../../phone.ts';

/**
 * Customers' phones in E.164 (issue 14; the rule is phone.ts): every stored number that reads as an
 * international one is rewritten, so it matches the same number arriving written another way.
 * Numbers that do not (no country code) stay as they are. Customers who turn out to share a number
 * are not merged (merging is an agent's decision); no index on `phone` is unique (migration 001's
 * `customers_phone`, 016's trigram index), so nothing can collide.
 */
export const up = '';

export async function data(trx: Kysely<Database>): Promise<void> {
  const rows = await sql<{ id: string; phone: string }>`SELECT id::text AS id, phone FROM customers WHERE phone IS NOT NULL`.execute(trx);
  const changed = rows.rows.flatMap((r) => {
    const e164 = normalisePhone(r.phone);
    return e164 && e164 !== r.phone ? [{ id: r.id, phone: e164 }] : [];
  });
  for (let i = 0; i < changed.length; i += 5000) {
    const part = changed.slice(i, i + 5000);
    await sql`UPDATE customers c SET phone = u.phone
      FROM unnest(${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.phone)}::text[]) AS u(id, phone)
      WHERE c.id = u.id`.execute(trx);
  }
}
