import type { Kysely } from 'kysely';
import { checkCalendar, checkSlaPolicy, type BusinessPeriod } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { findCalendar, findPolicy, policiesUsing, type CalendarRow, type PolicyRow } from '../db/repos/sla-config.ts';
import { conflict, invalid, notFound, type FieldError } from '../errors.ts';
import { isUuid, uuidv7 } from '../ids.ts';
import { unknownIds } from './admin-users.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';
import { requestSlaSweep } from '../jobs/sla-sweep.ts';

/**
 * Business-hours calendars and SLA policies (SPEC §12), written by admins (`admin.sla`). Every
 * check is the domain's (checkCalendar, checkSlaPolicy); ids of teams and the calendar are checked
 * here. Bad input is a 400 naming each field and writes nothing. A change to a policy, or to a
 * calendar a policy counts in, asks in its transaction for the SLA sweep that brings every open
 * case's clocks up to date with it (jobs/sla-sweep.ts, run by the timers). Every change is
 * audited in its transaction (SPEC §14: `calendar.*`, `sla_policy.*`).
 */
export type CalendarInput = { name: string; timeZone: string; hours: BusinessPeriod[]; holidays?: string[] };
export type PolicyInput = {
  name: string;
  position?: number;
  conditions?: Record<string, unknown>;
  targets: Record<string, unknown>;
  calendarId?: string | null;
};

const calendarTarget = (c: CalendarRow) => ({ type: 'calendar', id: c.id, label: c.name });
const auditedCalendar = (c: CalendarRow) => ({ name: c.name, timeZone: c.timeZone, hours: c.hours, holidays: c.holidays });
const policyTarget = (p: PolicyRow) => ({ type: 'sla_policy', id: p.id, label: p.name });
const auditedPolicy = (p: PolicyRow) => ({
  name: p.name,
  position: p.position,
  conditions: p.conditions,
  targets: p.targets,
  calendarId: p.calendarId,
});

function checkedCalendar(input: CalendarInput) {
  const r = checkCalendar({ timeZone: input.timeZone, hours: input.hours, holidays: input.holidays ?? [] });
  if (!r.ok) throw invalid(r.errors);
  return r.calendar;
}

export async function createCalendar(deps: Deps, actor: AuditActor, input: CalendarInput): Promise<CalendarRow> {
  const cal = checkedCalendar(input);
  const now = deps.clock.now();
  const id = uuidv7(now.getTime());
  return deps.db.kysely.transaction().execute(async (trx) => {
    await trx
      .insertInto('business_calendars')
      .values({
        id,
        name: input.name.trim(),
        time_zone: cal.timeZone,
        hours: JSON.stringify(cal.hours),
        holidays: JSON.stringify(cal.holidays),
        created_at: now,
        updated_at: now,
      })
      .execute();
    const made = (await findCalendar(trx, id))!;
    await recordAudit(trx, deps, actor, {
      action: 'calendar.created',
      target: calendarTarget(made),
      before: null,
      after: auditedCalendar(made),
    });
    return made;
  });
}

export async function updateCalendar(deps: Deps, actor: AuditActor, id: string, patch: Partial<CalendarInput>): Promise<CalendarRow> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const old = await findCalendar(trx, id, true);
    if (!old) throw notFound('Calendar');
    const cal = checkedCalendar({
      name: patch.name ?? old.name,
      timeZone: patch.timeZone ?? old.timeZone,
      hours: patch.hours ?? [...old.hours],
      holidays: patch.holidays ?? [...old.holidays],
    });
    await trx
      .updateTable('business_calendars')
      .set({
        name: (patch.name ?? old.name).trim(),
        time_zone: cal.timeZone,
        hours: JSON.stringify(cal.hours),
        holidays: JSON.stringify(cal.holidays),
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .execute();
    if ((await policiesUsing(trx, id)).length) await requestSlaSweep(trx, deps.clock.now());
    const after = (await findCalendar(trx, id))!;
    await recordAudit(trx, deps, actor, {
      action: 'calendar.updated',
      target: calendarTarget(after),
      before: auditedCalendar(old),
      after: auditedCalendar(after),
    });
    return after;
  });
}

/** Deletes a calendar no policy counts in (else 409 naming them). */
export async function deleteCalendar(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const old = await findCalendar(trx, id, true);
    if (!old) throw notFound('Calendar');
    const users = await policiesUsing(trx, id);
    if (users.length) throw conflict(`SLA policies count in this calendar: ${users.join(', ')}. Change them first.`);
    await trx.deleteFrom('business_calendars').where('id', '=', id).execute();
    await recordAudit(trx, deps, actor, {
      action: 'calendar.deleted',
      target: calendarTarget(old),
      before: auditedCalendar(old),
      after: null,
    });
  });
}

async function checkedPolicy(db: Kysely<Database>, input: PolicyInput) {
  const r = checkSlaPolicy({ conditions: input.conditions ?? {}, targets: input.targets });
  const errors: FieldError[] = r.ok ? [] : [...r.errors];
  if (r.ok) {
    const teamIds = (r.conditions.teamIds ?? []).map((t) => t.toLowerCase());
    const unknown = [...teamIds.filter((t) => !isUuid(t)), ...(await unknownIds(db, 'teams', teamIds.filter(isUuid)))];
    if (unknown.length) errors.push({ field: 'conditions.teamIds', message: `unknown team ids: ${unknown.join(', ')}` });
    if (teamIds.length) r.conditions.teamIds = teamIds;
  }
  const calendarId = input.calendarId ? input.calendarId.toLowerCase() : null;
  if (calendarId && (!isUuid(calendarId) || !(await findCalendar(db, calendarId))))
    errors.push({ field: 'calendarId', message: 'no such calendar' });
  if (errors.length || !r.ok) throw invalid(errors);
  return { conditions: r.conditions, targets: r.targets, calendarId };
}

export async function createPolicy(deps: Deps, actor: AuditActor, input: PolicyInput): Promise<PolicyRow> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const p = await checkedPolicy(trx, input);
    const now = deps.clock.now();
    const id = uuidv7(now.getTime());
    const last = await trx
      .selectFrom('sla_policies')
      .select((eb) => eb.fn.max('position').as('n'))
      .executeTakeFirst();
    const position = input.position ?? (last?.n === null || last?.n === undefined ? 1 : Number(last.n) + 1);
    await trx
      .insertInto('sla_policies')
      .values({
        id,
        name: input.name.trim(),
        position,
        conditions: JSON.stringify(p.conditions),
        targets: JSON.stringify(p.targets),
        calendar_id: p.calendarId,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await requestSlaSweep(trx, now);
    const made = (await findPolicy(trx, id))!;
    await recordAudit(trx, deps, actor, {
      action: 'sla_policy.created',
      target: policyTarget(made),
      before: null,
      after: auditedPolicy(made),
    });
    return made;
  });
}

export async function updatePolicy(deps: Deps, actor: AuditActor, id: string, patch: Partial<PolicyInput>): Promise<PolicyRow> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const old = await findPolicy(trx, id, true);
    if (!old) throw notFound('SLA policy');
    const p = await checkedPolicy(trx, {
      name: patch.name ?? old.name,
      conditions: patch.conditions ?? old.conditions,
      targets: patch.targets ?? old.targets,
      calendarId: patch.calendarId !== undefined ? patch.calendarId : old.calendarId,
    });
    await trx
      .updateTable('sla_policies')
      .set({
        name: (patch.name ?? old.name).trim(),
        position: patch.position ?? old.position,
        conditions: JSON.stringify(p.conditions),
        targets: JSON.stringify(p.targets),
        calendar_id: p.calendarId,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', id)
      .execute();
    await requestSlaSweep(trx, deps.clock.now());
    const after = (await findPolicy(trx, id))!;
    await recordAudit(trx, deps, actor, {
      action: 'sla_policy.updated',
      target: policyTarget(after),
      before: auditedPolicy(old),
      after: auditedPolicy(after),
    });
    return after;
  });
}

export async function deletePolicy(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const old = await findPolicy(trx, id, true);
    if (!old) throw notFound('SLA policy');
    await trx.deleteFrom('sla_policies').where('id', '=', id).execute();
    await requestSlaSweep(trx, deps.clock.now());
    await recordAudit(trx, deps, actor, {
      action: 'sla_policy.deleted',
      target: policyTarget(old),
      before: auditedPolicy(old),
      after: null,
    });
  });
}
