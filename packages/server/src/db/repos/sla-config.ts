/** Business-hours calendars and SLA policies as stored (SPEC §12; migration 032): reads only. */
import type { Kysely } from 'kysely';
import type { BusinessPeriod, Calendar, SlaConditions, SlaPolicy, SlaTargets } from '@casework/domain';
import type { Database } from '../schema.ts';

/** A business-hours calendar as stored and answered (SPEC §12). */
export type CalendarRow = Calendar & { id: string; name: string; createdAt: Date; updatedAt: Date };
/** An SLA policy as stored and answered (SPEC §12). */
export type PolicyRow = SlaPolicy & { createdAt: Date; updatedAt: Date };

type RawCalendar = {
  id: string;
  name: string;
  time_zone: string;
  hours: unknown[];
  holidays: string[];
  created_at: Date;
  updated_at: Date;
};
type RawPolicy = {
  id: string;
  name: string;
  position: number;
  conditions: Record<string, unknown>;
  targets: Record<string, number>;
  calendar_id: string | null;
  created_at: Date;
  updated_at: Date;
};

const toCalendar = (r: RawCalendar): CalendarRow => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  hours: r.hours as BusinessPeriod[],
  holidays: r.holidays,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const toPolicy = (r: RawPolicy): PolicyRow => ({
  id: r.id,
  name: r.name,
  position: Number(r.position),
  conditions: r.conditions as SlaConditions,
  targets: r.targets as SlaTargets,
  calendarId: r.calendar_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Every calendar, by name. */
export async function listCalendars(db: Kysely<Database>): Promise<CalendarRow[]> {
  const rows = await db.selectFrom('business_calendars').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map((r) => toCalendar(r as RawCalendar));
}

export async function findCalendar(db: Kysely<Database>, id: string, lock = false): Promise<CalendarRow | undefined> {
  let q = db.selectFrom('business_calendars').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && toCalendar(r as RawCalendar);
}

/** Every policy in the order they are tried (position, then id). */
export async function listPolicies(db: Kysely<Database>): Promise<PolicyRow[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map((r) => toPolicy(r as RawPolicy));
}

export async function findPolicy(db: Kysely<Database>, id: string, lock = false): Promise<PolicyRow | undefined> {
  let q = db.selectFrom('sla_policies').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && toPolicy(r as RawPolicy);
}

/** The policies that count in a calendar (a calendar in use cannot be deleted). */
export async function policiesUsing(db: Kysely<Database>, calendarId: string): Promise<string[]> {
  const rows = await db.selectFrom('sla_policies').select('name').where('calendar_id', '=', calendarId).orderBy('name').execute();
  return rows.map((r) => r.name);
}
