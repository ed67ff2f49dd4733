import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Where a channel's IMAP fetch stands: the mark it continues from and what the admin page shows. */
export type FetchState = {
  folder: string | null;
  uidValidity: string | null;
  lastUid: number;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  fetchedCount: number;
};

type Row = {
  folder: string | null;
  uid_validity: string | null;
  last_uid: string | number;
  last_success_at: Date | string | null;
  last_error: string | null;
  last_error_at: Date | string | null;
  fetched_count: string | number;
};

const date = (v: Date | string | null) => (v === null ? null : new Date(v));
const toState = (r: Row): FetchState => ({
  folder: r.folder,
  uidValidity: r.uid_validity,
  lastUid: Number(r.last_uid),
  lastSuccessAt: date(r.last_success_at),
  lastError: r.last_error,
  lastErrorAt: date(r.last_error_at),
  fetchedCount: Number(r.fetched_count),
});

/**
 * Takes (or renews) the channel's fetch lease for `owner` when nobody holds it, it lapsed, or
 * `owner` already holds it; answers the state to continue from, or undefined when another
 * server process holds the mailbox.
 */
export async function takeFetchLease(
  db: Kysely<Database>,
  channelId: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<FetchState | undefined> {
  const until = new Date(now.getTime() + leaseMs);
  const r = await sql<Row>`
    INSERT INTO channel_mail_fetch (channel_id, lease_owner, lease_until, updated_at)
    VALUES (${channelId}, ${owner}, ${until}, ${now})
    ON CONFLICT (channel_id) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
    WHERE channel_mail_fetch.lease_owner IS NULL OR channel_mail_fetch.lease_owner = ${owner}
       OR channel_mail_fetch.lease_until IS NULL OR channel_mail_fetch.lease_until < ${now}
    RETURNING folder, uid_validity, last_uid, last_success_at, last_error, last_error_at, fetched_count`.execute(db);
  const row = r.rows[0];
  return row && toState(row);
}

/** Gives the lease up (stopping, or after an error) so another process may take the mailbox at once. */
export async function releaseFetchLease(db: Kysely<Database>, channelId: string, owner: string): Promise<void> {
  await db
    .updateTable('channel_mail_fetch')
    .set({ lease_owner: null, lease_until: null })
    .where('channel_id', '=', channelId)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Records that message `uid` is taken (its case/message is committed) and renews the lease.
 * False when `owner` no longer holds the lease: the caller stops fetching.
 */
export async function advanceFetchMark(
  db: Kysely<Database>,
  channelId: string,
  owner: string,
  mark: { folder: string; uidValidity: string; uid: number; taken: number },
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const r = await db
    .updateTable('channel_mail_fetch')
    .set({
      folder: mark.folder,
      uid_validity: mark.uidValidity,
      last_uid: sql<number>`GREATEST(last_uid, ${mark.uid})`,
      fetched_count: sql<number>`fetched_count + ${mark.taken}`,
      lease_until: new Date(now.getTime() + leaseMs),
      updated_at: now,
    })
    .where('channel_id', '=', channelId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Starts the mark over for a new folder or UIDVALIDITY (the first sync takes unseen mail from there). */
export async function resetFetchMark(
  db: Kysely<Database>,
  channelId: string,
  owner: string,
  mark: { folder: string; uidValidity: string | null; uid: number },
  now: Date,
): Promise<void> {
  await db
    .updateTable('channel_mail_fetch')
    .set({ folder: mark.folder, uid_validity: mark.uidValidity, last_uid: mark.uid, updated_at: now })
    .where('channel_id', '=', channelId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** A check that reached the mailbox (clears the last error). */
export async function recordFetchSuccess(db: Kysely<Database>, channelId: string, now: Date): Promise<void> {
  await db
    .updateTable('channel_mail_fetch')
    .set({ last_success_at: now, last_error: null, last_error_at: null, updated_at: now })
    .where('channel_id', '=', channelId)
    .execute();
}

/** A check that failed, with the reason the admin page shows. */
export async function recordFetchError(db: Kysely<Database>, channelId: string, message: string, now: Date): Promise<void> {
  await db
    .insertInto('channel_mail_fetch')
    .values({ channel_id: channelId, last_error: message.slice(0, 1000), last_error_at: now, updated_at: now })
    .onConflict((oc) => oc.column('channel_id').doUpdateSet({ last_error: message.slice(0, 1000), last_error_at: now, updated_at: now }))
    .execute();
}

/** The fetch state of a channel, if it ever fetched. */
export async function findFetchState(db: Kysely<Database>, channelId: string): Promise<FetchState | undefined> {
  const r = await db
    .selectFrom('channel_mail_fetch')
    .select(['folder', 'uid_validity', 'last_uid', 'last_success_at', 'last_error', 'last_error_at', 'fetched_count'])
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  return r && toState(r);
}

/** Active email channels that fetch from a mailbox, with the version of their settings. */
export async function listFetchingChannels(db: Kysely<Database>): Promise<{ id: string; updatedAt: string }[]> {
  const rows = await db
    .selectFrom('channels')
    .select(['id', 'updated_at'])
    .where('type', '=', 'email')
    .where('active', '=', true)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`settings->>'imapHost' IS NOT NULL`)
    .execute();
  return rows.map((r) => ({ id: r.id, updatedAt: new Date(r.updated_at).toISOString() }));
}
