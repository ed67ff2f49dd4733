import type { Kysely } from 'kysely';
import {
  DEFAULT_PRIORITY,
  checkCalendar,
  checkSlaPolicy,
  matchPolicy,
  priorityOfRank,
  replaySla,
  type Calendar,
  type CaseType,
  type SlaPolicy,
  type Status,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { slaCaseColumns, type SlaCaseColumns } from '../db/repos/sla.ts';
import { uuidv7 } from '../ids.ts';
import type { BuiltCase } from './demo-build.ts';
import { DEMO_ORG } from './demo-org.ts';

/** The demo organisation's service levels (SPEC §12): its office hours and the policies a support team would set. */
export type DemoServiceLevels = { calendar: Calendar; policies: SlaPolicy[] };

const WEEKDAYS = [1, 2, 3, 4, 5];
const HOUR = 60;

/**
 * Writes the demo's business-hours calendar (Mon–Fri 08:00–18:00 in the organisation's zone, the
 * Christmas holidays) and three SLA policies, each through the domain's checks the admin API uses.
 */
export async function insertDemoServiceLevels(trx: Kysely<Database>, since: Date, now: Date): Promise<DemoServiceLevels> {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: DEMO_ORG.timeZone, year: 'numeric' }).format(now));
  const cal = checkCalendar({
    timeZone: DEMO_ORG.timeZone,
    hours: WEEKDAYS.map((day) => ({ day, start: '08:00', end: '18:00' })),
    holidays: [`${year - 1}-12-25`, `${year - 1}-12-26`, `${year}-01-01`, `${year}-12-25`, `${year}-12-26`],
  });
  if (!cal.ok) throw new Error(`demo calendar: ${JSON.stringify(cal.errors)}`);
  const calendarId = uuidv7(since.getTime());
  await trx
    .insertInto('business_calendars')
    .values({
      id: calendarId,
      name: 'Office hours (Berlin)',
      time_zone: cal.calendar.timeZone,
      hours: JSON.stringify(cal.calendar.hours),
      holidays: JSON.stringify(cal.calendar.holidays),
      created_at: since,
      updated_at: since,
    })
    .execute();
  const wanted = [
    {
      name: 'Urgent',
      conditions: { priorities: ['urgent'] },
      targets: { firstResponse: 30, nextResponse: 2 * HOUR, resolution: 8 * HOUR },
    },
    {
      name: 'High priority',
      conditions: { priorities: ['high'] },
      targets: { firstResponse: HOUR, nextResponse: 4 * HOUR, resolution: 8 * HOUR },
    },
    { name: 'Standard', conditions: {}, targets: { firstResponse: 4 * HOUR, nextResponse: 8 * HOUR, resolution: 3 * 10 * HOUR } },
  ];
  const policies: SlaPolicy[] = wanted.map((w, i) => {
    const p = checkSlaPolicy(w);
    if (!p.ok) throw new Error(`demo SLA policy ${w.name}: ${JSON.stringify(p.errors)}`);
    return { id: uuidv7(since.getTime()), name: w.name, position: i + 1, conditions: p.conditions, targets: p.targets, calendarId };
  });
  await trx
    .insertInto('sla_policies')
    .values(
      policies.map((p) => ({
        id: p.id,
        name: p.name,
        position: p.position,
        conditions: JSON.stringify(p.conditions),
        targets: JSON.stringify(p.targets),
        calendar_id: p.calendarId,
        created_at: since,
        updated_at: since,
      })),
    )
    .execute();
  return { calendar: cal.calendar, policies };
}

/**
 * A demo case's clocks, replayed from its own history through the domain (replaySla) as the live
 * product would have kept them, as the columns the SLA writer stores (written with the case's row,
 * so the demo stays one multi-row insert of cases).
 */
export function demoClockColumns(b: BuiltCase, levels: DemoServiceLevels, now: Date): SlaCaseColumns | Record<string, never> {
  const policy = matchPolicy(levels.policies, {
    priority: priorityOfRank(Number(b.row.priority)) ?? DEFAULT_PRIORITY,
    type: b.row.type as CaseType,
    teamId: b.row.team_id as string,
    tags: (b.row.tags as string[] | undefined) ?? [],
  });
  const history = b.events.map((e) => ({
    type: e.type as string,
    data: JSON.parse(e.data as string) as Record<string, unknown>,
    at: new Date(e.created_at as Date),
  }));
  const record = replaySla(history, policy, levels.calendar, now);
  return record ? slaCaseColumns(record, b.row.status as Status) : {};
}
