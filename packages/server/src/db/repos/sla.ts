import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  countsAsResolved,
  slaColumns,
  type Resolution,
  type ResolutionReason,
  type BusinessPeriod,
  type Calendar,
  type SlaConditions,
  type SlaOutcome,
  type SlaPolicy,
  type SlaRecord,
  type SlaTargets,
  type Status,
} from '@casework/domain';
import type { Database } from '../schema.ts';

/** A case's SLA clocks as stored (SPEC §12; migration 032): what they follow, and their write. */

/** What the SLA clocks of one case follow, with every policy and its calendar (one statement). */
export type SlaCaseFacts = {
  status: string;
  type: string;
  priority: number;
  teamId: string;
  ownerId: string | null;
  tags: string[];
  createdAt: Date;
  firstResponseAt: Date | null;
  lastMessageFromCustomer: boolean | null;
  lastMessageAt: Date | null;
  /** Finished as solved (the domain's countsAsResolved): what meets the resolution target. */
  solved: boolean;
  sla: SlaRecord | null;
  /** The reported targets' outcomes stored beside the record (slaColumns). */
  storedOutcomes: [SlaOutcome | null, SlaOutcome | null];
  policies: (Pick<SlaPolicy, 'id' | 'position' | 'conditions' | 'targets' | 'calendarId'> & { calendar: Calendar | null })[];
};

const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

type RawFacts = {
  status: string;
  resolution: Resolution | null;
  resolution_reason: ResolutionReason | null;
  type: string;
  priority: number;
  team_id: string;
  owner_id: string | null;
  tags: string[] | null;
  created_at: string;
  first_response_at: string | null;
  last_message_from_customer: boolean | null;
  last_message_at: string | null;
  sla: SlaRecord | null;
  sla_first_outcome: SlaOutcome | null;
  sla_resolution_outcome: SlaOutcome | null;
  policies: {
    id: string;
    position: number;
    conditions: SlaConditions;
    targets: SlaTargets;
    calendarId: string | null;
    timeZone: string | null;
    hours: BusinessPeriod[] | null;
    holidays: string[] | null;
  }[];
};

/**
 * A case's SLA facts and every policy with its calendar as one JSON value (null: no such case): an
 * expression, so the statement that appends the case's events can read it in the same round trip.
 */
export function slaFactsJson(caseId: string): RawBuilder<unknown> {
  return sql`(SELECT ${factsOf} FROM cases c WHERE c.id = ${caseId}::uuid)`;
}

/** A case row's SLA facts (`c`) and every policy as one json value: the one reading of them. */
const factsOf = sql`json_build_object('status', c.status, 'resolution', c.resolution, 'resolution_reason', c.resolution_reason, 'type', c.type, 'priority', c.priority, 'team_id', c.team_id::text,
      'owner_id', c.owner_id::text, 'tags', c.tags, 'created_at', c.created_at, 'first_response_at', c.first_response_at,
      'last_message_from_customer', c.last_message_from_customer, 'last_message_at', c.last_message_at, 'sla', c.sla,
      'sla_first_outcome', c.sla_first_outcome, 'sla_resolution_outcome', c.sla_resolution_outcome,
      'policies', (SELECT coalesce(json_agg(json_build_object('id', p.id::text, 'position', p.position, 'conditions', p.conditions,
          'targets', p.targets, 'calendarId', p.calendar_id::text, 'timeZone', k.time_zone, 'hours', k.hours, 'holidays', k.holidays)
          ORDER BY p.position, p.id), '[]'::json)
        FROM sla_policies p LEFT JOIN business_calendars k ON k.id = p.calendar_id))`;

/** The facts as slaFactsJson read them. */
export function toSlaFacts(value: unknown): SlaCaseFacts | null {
  if (value === null || value === undefined) return null;
  const row = (typeof value === 'string' ? JSON.parse(value) : value) as RawFacts;
  return {
    status: row.status,
    type: row.type,
    priority: Number(row.priority),
    teamId: row.team_id,
    ownerId: row.owner_id,
    tags: row.tags ?? [],
    createdAt: date(row.created_at)!,
    firstResponseAt: date(row.first_response_at),
    lastMessageFromCustomer: row.last_message_from_customer,
    lastMessageAt: date(row.last_message_at),
    solved: countsAsResolved({ status: row.status as Status, resolution: row.resolution, resolutionReason: row.resolution_reason }),
    sla: row.sla,
    storedOutcomes: [row.sla_first_outcome ?? null, row.sla_resolution_outcome ?? null],
    policies: row.policies.map((p) => ({
      id: p.id,
      position: Number(p.position),
      conditions: p.conditions,
      targets: p.targets,
      calendarId: p.calendarId,
      calendar: p.calendarId && p.timeZone ? { timeZone: p.timeZone, hours: p.hours ?? [], holidays: p.holidays ?? [] } : null,
    })),
  };
}

/** Cases' SLA facts and the policies in one statement (the policies read once for all), by case id (no such case: absent). */
export async function readManySlaFacts(db: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, SlaCaseFacts>> {
  if (caseIds.length === 0) return new Map();
  const r = await sql<{ id: string; f: unknown }>`SELECT c.id::text AS id, ${factsOf} AS f
    FROM cases c WHERE c.id = ANY(${[...caseIds]}::uuid[])`.execute(db);
  return new Map(r.rows.map((row) => [row.id, toSlaFacts(row.f)!]));
}

/** What the SLA writer stores on a case row: the clock record and the columns lists and the breach timer read (slaColumns). */
export type SlaCaseColumns = {
  sla: string | null;
  sla_due_at: Date | null;
  sla_soon_at: Date | null;
  sla_first_soon_at: Date | null;
  sla_first_due_at: Date | null;
  sla_first_outcome: SlaOutcome | null;
  sla_resolution_outcome: SlaOutcome | null;
  sla_resolution_due_at: Date | null;
  sla_breach_at: Date | null;
  sla_paused_breached: boolean;
  sla_paused_soon: boolean;
};

/**
 * A case's clock record as its row's columns, for a case in `status` (a finished case's unmet targets
 * are not counted: storedOutcome): the one mapping, for writeSla and for cases written with their clocks (the demo).
 */
export function slaCaseColumns(record: SlaRecord | null, status: Status): SlaCaseColumns {
  const cols = slaColumns(record, status);
  return {
    sla: record ? JSON.stringify(record) : null,
    sla_due_at: cols.dueAt,
    sla_soon_at: cols.soonAt,
    sla_first_soon_at: cols.firstResponseSoonAt,
    sla_first_due_at: cols.firstResponseDueAt,
    sla_first_outcome: cols.firstResponseOutcome,
    sla_resolution_outcome: cols.resolutionOutcome,
    sla_resolution_due_at: cols.resolutionDueAt,
    sla_breach_at: cols.breachAt,
    sla_paused_breached: cols.pausedBreached,
    sla_paused_soon: cols.pausedSoon,
  };
}

/** Stores a case's clock record and the columns lists and the breach timer read. */
export async function writeSla(db: Kysely<Database>, caseId: string, record: SlaRecord | null, status: Status): Promise<void> {
  await db.updateTable('cases').set(slaCaseColumns(record, status)).where('id', '=', caseId).execute();
}

/**
 * Stores many cases' clock records in one statement (an import, the breach timer's batch), each
 * row's columns by the same mapping as writeSla (slaCaseColumns); one record (a change on the
 * write path) is writeSla's plain UPDATE by key.
 */
export async function writeSlaMany(
  db: Kysely<Database>,
  records: readonly { caseId: string; record: SlaRecord | null; status: Status }[],
): Promise<void> {
  if (!records.length) return;
  if (records.length === 1) return writeSla(db, records[0]!.caseId, records[0]!.record, records[0]!.status);
  const rows = records.map((r) => ({ id: r.caseId, ...slaCaseColumns(r.record, r.status) }));
  await sql`UPDATE cases c SET sla = x.sla::jsonb, sla_due_at = x.sla_due_at, sla_soon_at = x.sla_soon_at,
      sla_first_soon_at = x.sla_first_soon_at, sla_first_due_at = x.sla_first_due_at, sla_first_outcome = x.sla_first_outcome,
      sla_resolution_outcome = x.sla_resolution_outcome, sla_resolution_due_at = x.sla_resolution_due_at,
      sla_breach_at = x.sla_breach_at, sla_paused_breached = x.sla_paused_breached, sla_paused_soon = x.sla_paused_soon
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id uuid, sla text, sla_due_at timestamptz, sla_soon_at timestamptz,
      sla_first_soon_at timestamptz, sla_first_due_at timestamptz, sla_first_outcome text, sla_resolution_outcome text,
      sla_resolution_due_at timestamptz, sla_breach_at timestamptz, sla_paused_breached boolean, sla_paused_soon boolean)
    WHERE c.id = x.id`.execute(db);
}

/**
 * The users told of a breach on an unowned case (SPEC §12), for several teams in one statement:
 * active members of each team whose role may assign cases, by team id (a team with none is absent).
 */
export async function teamsSupervisors(db: Kysely<Database>, teamIds: readonly string[]): Promise<Map<string, string[]>> {
  if (teamIds.length === 0) return new Map();
  const r = await sql<{ team_id: string; id: string }>`SELECT m.team_id::text AS team_id, u.id::text AS id FROM team_members m
      JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = u.role_id
      WHERE m.team_id = ANY(${[...new Set(teamIds)]}::uuid[]) AND u.active AND 'case.assign' = ANY(r.permissions)
      ORDER BY m.team_id, u.id`.execute(db);
  const byTeam = new Map<string, string[]>();
  for (const row of r.rows) byTeam.set(row.team_id, [...(byTeam.get(row.team_id) ?? []), row.id]);
  return byTeam;
}
