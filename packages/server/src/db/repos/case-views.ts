import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import {
  DEFAULT_PRIORITY,
  priorityOfRank,
  type CaseFacts,
  type CaseType,
  type FieldValues,
  type Priority,
  type Resolution,
  type ResolutionReason,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import type { Database } from '../schema.ts';

/** A case as read for presenting: the row plus names and collaborators. */
export type CaseView = CaseFacts & {
  reference: string;
  subject: string;
  description: string | null;
  teamName: string;
  ownerName: string | null;
  customer: { id: string; name: string | null; email: string | null; phone: string | null } | null;
  followUpOf: string | null;
  rating: { stars: number; note: string | null } | null;
  updatedAt: Date;
  /** When the case became spam (SPEC §13: its retention counts from then); null unless its status is spam. */
  spamAt: Date | null;
  lastActivityAt: Date;
  priority: Priority;
  /** Lower-case, sorted. */
  tags: string[];
  /** Custom field values; absent where a read does not carry them (the claim and My Work functions' rows). */
  fields?: FieldValues;
  /** The last public message as cards show it (null before any); absent from the claim functions' rows. */
  lastMessage?: { preview: string; fromCustomer: boolean; authorName: string | null; at: Date } | null;
  /** The customer's satisfaction (a survey's answer or the chat rating; SPEC §12); absent from the claim and My Work functions' rows. */
  satisfaction?: { stars: number; comment: string | null; at: Date } | null;
  /** The SLA clocks (SPEC §12; null: no policy applies); absent from the claim and My Work functions' rows. */
  sla?: SlaRecord | null;
};

export type CaseViewRow = {
  id: string;
  reference: string;
  subject: string;
  description: string | null;
  type: string;
  status: string;
  resolution: string | null;
  /** Absent from the claim functions' rows: a case they return was just claimed, so it is open. */
  resolution_reason?: string | null;
  team_id: string;
  team_name: string;
  owner_id: string | null;
  owner_name: string | null;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  follow_up_of: string | null;
  rating_stars: number | null;
  rating_note: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  wake_at: Date | null;
  /** Read by selectCaseViews; the SQL functions' rows (never spam: claim-next, My Work) leave it out. */
  spam_at?: Date | null;
  last_activity_at: Date;
  collaborator_ids: string[];
  /** The priority's rank (migration 020; see db/sql-rules.ts). */
  priority: number;
  tags: string[];
  /** Absent from the claim and My Work functions' rows. */
  fields?: Record<string, unknown>;
  /** Absent from the claim functions' rows. */
  last_message_preview?: string | null;
  last_message_from_customer?: boolean | null;
  last_message_author_name?: string | null;
  last_message_at?: Date | string | null;
  /** Absent from the claim and My Work functions' rows. */
  satisfaction_stars?: number | null;
  satisfaction_comment?: string | null;
  satisfaction_at?: Date | string | null;
  /** Absent from the claim and My Work functions' rows. */
  sla?: Record<string, unknown> | string | null;
};

type From = Database & { c: Database['cases'] };
/** The tables a case view's query reads, by their aliases: callers filter and order on them. */
type ViewTables = { c: Database['cases']; t: Database['teams']; o: Database['users']; cu: Database['customers']; lm: Database['users'] };
type CaseViewQuery = SelectQueryBuilder<ViewTables, keyof ViewTables, CaseViewRow>;

/** The one SELECT every case read goes through; callers add filters, order and limits. */
export function selectCaseViews(db: Kysely<Database>): CaseViewQuery {
  return (db as unknown as Kysely<From>)
    .selectFrom('cases as c')
    .innerJoin('teams as t', 't.id', 'c.team_id')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('users as lm', 'lm.id', 'c.last_message_author_id')
    .select([
      'c.id',
      'c.reference',
      'c.subject',
      'c.description',
      'c.type',
      'c.status',
      'c.resolution',
      'c.resolution_reason',
      'c.team_id',
      't.name as team_name',
      'c.owner_id',
      'o.name as owner_name',
      'c.customer_id',
      'cu.name as customer_name',
      'cu.email as customer_email',
      'cu.phone as customer_phone',
      'c.follow_up_of',
      'c.rating_stars',
      'c.rating_note',
      'c.created_at',
      'c.updated_at',
      'c.resolved_at',
      'c.wake_at',
      'c.spam_at',
      'c.last_activity_at',
      'c.fields',
      'c.priority',
      'c.tags',
      'c.last_message_preview',
      'c.last_message_from_customer',
      'lm.name as last_message_author_name',
      'c.last_message_at',
      'c.satisfaction_stars',
      'c.satisfaction_comment',
      'c.satisfaction_at',
      'c.sla',
      sql<
        string[]
      >`array(SELECT cc.user_id::text FROM case_collaborators cc WHERE cc.case_id = c.id ORDER BY cc.created_at, cc.user_id)`.as(
        'collaborator_ids',
      ),
    ]) as unknown as CaseViewQuery;
}

const d = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

const lastMessageOfRow = (r: CaseViewRow): CaseView['lastMessage'] =>
  r.last_message_preview === null || r.last_message_preview === undefined || !r.last_message_at
    ? null
    : {
        preview: r.last_message_preview,
        fromCustomer: r.last_message_from_customer === true,
        authorName: r.last_message_author_name ?? null,
        at: d(r.last_message_at)!,
      };

export function toCaseView(r: CaseViewRow): CaseView {
  return {
    id: r.id,
    reference: r.reference,
    subject: r.subject,
    description: r.description,
    type: r.type as CaseType,
    status: r.status as Status,
    resolution: r.resolution as Resolution | null,
    resolutionReason: (r.resolution_reason ?? null) as ResolutionReason | null,
    teamId: r.team_id,
    teamName: r.team_name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    collaboratorIds: r.collaborator_ids ?? [],
    customer: r.customer_id ? { id: r.customer_id, name: r.customer_name, email: r.customer_email, phone: r.customer_phone } : null,
    followUpOf: r.follow_up_of,
    rating: r.rating_stars === null ? null : { stars: r.rating_stars, note: r.rating_note },
    createdAt: d(r.created_at)!,
    updatedAt: d(r.updated_at)!,
    resolvedAt: d(r.resolved_at),
    wakeAt: d(r.wake_at),
    spamAt: d(r.spam_at ?? null),
    lastActivityAt: d(r.last_activity_at)!,
    priority: priorityOfRank(Number(r.priority)) ?? DEFAULT_PRIORITY,
    tags: r.tags ?? [],
    ...(r.fields ? { fields: r.fields as FieldValues } : {}),
    ...(r.last_message_preview !== undefined ? { lastMessage: lastMessageOfRow(r) } : {}),
    ...(r.satisfaction_stars !== undefined
      ? {
          satisfaction:
            r.satisfaction_stars === null || !r.satisfaction_at
              ? null
              : { stars: r.satisfaction_stars, comment: r.satisfaction_comment ?? null, at: d(r.satisfaction_at)! },
        }
      : {}),
    ...(r.sla !== undefined ? { sla: (typeof r.sla === 'string' ? JSON.parse(r.sla) : r.sla) as SlaRecord | null } : {}),
  };
}

/** Reads one case (any visibility; callers check it). */
export async function findCaseView(db: Kysely<Database>, id: string): Promise<CaseView | undefined> {
  const row = await selectCaseViews(db).where('c.id', '=', id).executeTakeFirst();
  return row && toCaseView(row);
}
