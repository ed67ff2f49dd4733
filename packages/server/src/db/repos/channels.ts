import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseType } from '@casework/domain';
import type { Database } from '../schema.ts';
import { decryptSecret } from '../secrets.ts';

/** A configured channel as the server uses it (secrets stay encrypted until asked for). */
export type ChannelRecord = {
  id: string;
  type: CaseType;
  name: string;
  teamId: string;
  publicKey: string | null;
  address: string | null;
  settings: Record<string, string>;
  secrets: string | null;
  active: boolean;
  /** Whether resolving one of its cases sends a satisfaction survey (SPEC §12). */
  surveys: boolean;
  createdAt: Date;
  updatedAt: Date;
};

type Row = Selectable<Database['channels']>;

export function toChannel(r: Row): ChannelRecord {
  return {
    id: r.id,
    type: r.type as CaseType,
    name: r.name,
    teamId: r.team_id,
    publicKey: r.public_key,
    address: r.address,
    settings: (r.settings ?? {}) as Record<string, string>,
    secrets: r.secrets,
    active: r.active,
    surveys: r.surveys,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

const live = (db: Kysely<Database>) => db.selectFrom('channels').selectAll().where('deleted_at', 'is', null);

/** A channel by id (not deleted; may be inactive). */
export async function findChannel(db: Kysely<Database>, id: string): Promise<ChannelRecord | undefined> {
  const r = await live(db).where('id', '=', id).executeTakeFirst();
  return r && toChannel(r);
}

/** The active chat channel behind a public key (widget and SDK). */
export async function findChannelByKey(db: Kysely<Database>, key: string): Promise<ChannelRecord | undefined> {
  const r = await live(db).where('public_key', '=', key).where('active', '=', true).executeTakeFirst();
  return r && toChannel(r);
}

/** The active email channel receiving mail for an address (case-insensitive). */
export async function findEmailChannel(db: Kysely<Database>, address: string): Promise<ChannelRecord | undefined> {
  const r = await live(db)
    .where('type', '=', 'email')
    .where('active', '=', true)
    .where(sql`lower(address)`, '=', address.trim().toLowerCase())
    .executeTakeFirst();
  return r && toChannel(r);
}

/** The channel a case talks through, if it came in through one. */
export async function findCaseChannel(
  db: Kysely<Database>,
  caseId: string,
): Promise<(ChannelRecord & { customerAddress: string | null }) | undefined> {
  const r = await db
    .selectFrom('case_channels as cc')
    .innerJoin('channels as ch', 'ch.id', 'cc.channel_id')
    .selectAll('ch')
    .select('cc.customer_address')
    .where('cc.case_id', '=', caseId)
    .executeTakeFirst();
  return r && { ...toChannel(r), customerAddress: r.customer_address };
}

/** The decrypted secret settings of a channel (authToken, smtpPassword …). */
export async function channelSecrets(db: Kysely<Database>, ch: Pick<ChannelRecord, 'secrets'>): Promise<Record<string, string>> {
  if (!ch.secrets) return {};
  return JSON.parse(await decryptSecret(db, ch.secrets)) as Record<string, string>;
}

/** The oldest active chat channel of a type (the demo page embeds it). */
export async function listActiveChatChannel(db: Kysely<Database>, type: 'web_connect' | 'support_sdk'): Promise<ChannelRecord | undefined> {
  const r = await live(db).where('type', '=', type).where('active', '=', true).orderBy('created_at').limit(1).executeTakeFirst();
  return r && toChannel(r);
}
