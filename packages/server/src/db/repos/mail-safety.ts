import { sql, type Kysely } from 'kysely';
import { blockingDomains, type AutomaticKind, type BlockEntry } from '@casework/domain';
import type { Database } from '../schema.ts';

/** The blocklist entries that could block this address (the address itself, its domain and parents): one index probe each. */
export async function blockEntriesFor(db: Kysely<Database>, address: string): Promise<BlockEntry[]> {
  const a = address.trim().toLowerCase();
  const domains = blockingDomains(a);
  const rows = await db
    .selectFrom('blocklist')
    .select(['kind', 'value'])
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'email'), eb('value', '=', a)]),
        ...(domains.length ? [eb.and([eb('kind', '=', 'domain'), eb('value', 'in', domains)])] : []),
      ]),
    )
    .execute();
  return rows.map((r) => ({ kind: r.kind as BlockEntry['kind'], value: r.value }));
}

/** Whether a permanent bounce reported this address. */
export async function isBounced(db: Kysely<Database>, address: string): Promise<boolean> {
  const r = await db
    .selectFrom('bounced_addresses')
    .select('address')
    .where('address', '=', address.trim().toLowerCase())
    .executeTakeFirst();
  return r !== undefined;
}

/** Every email channel's own address (deleted ones too: mail to them must not loop either), lower-case. */
export async function ownMailAddresses(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{
    a: string;
  }>`SELECT DISTINCT lower(address) AS a FROM channels WHERE type = 'email' AND address IS NOT NULL`.execute(db);
  return rows.rows.map((r) => r.a);
}

/** What kind of automatic mail the case's last inbound message was (null: a person's, or none). */
export async function lastInboundAutomatic(db: Kysely<Database>, caseId: string): Promise<AutomaticKind | null> {
  const r = await db
    .selectFrom('messages')
    .select('automatic')
    .where('case_id', '=', caseId)
    .where('direction', '=', 'inbound')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (r?.automatic as AutomaticKind | null | undefined) ?? null;
}

/** Whether the case is spam (no automatic mail answers it). */
export async function caseIsSpam(db: Kysely<Database>, caseId: string): Promise<boolean> {
  const r = await db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirst();
  return r?.status === 'spam';
}

/** The blocklist, newest first (SPEC §13 GET /blocklist). */
export async function listBlocklist(
  db: Kysely<Database>,
): Promise<{ id: string; kind: BlockEntry['kind']; value: string; createdAt: Date }[]> {
  const rows = await db
    .selectFrom('blocklist')
    .select(['id', 'kind', 'value', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind as BlockEntry['kind'], value: r.value, createdAt: new Date(r.created_at) }));
}
