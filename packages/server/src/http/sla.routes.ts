import { Type } from '@fastify/type-provider-typebox';
import { CASE_TYPES, LIMITS, MAX_TARGET_MINUTES, PRIORITIES } from '@casework/domain';
import type { RouteModule } from './route-types.ts';
import { IdParams, Nullable, StringEnum, problems } from './schemas.ts';
import { Name } from './admin-schemas.ts';
import { pathId } from './ids.ts';
import { actorOf } from './auth-hook.ts';
import { listCalendars, listPolicies, type CalendarRow, type PolicyRow } from '../db/repos/sla-config.ts';
import { createCalendar, createPolicy, deleteCalendar, deletePolicy, updateCalendar, updatePolicy } from '../use-cases/admin-sla.ts';

/** Service levels (SPEC §12): business-hours calendars and SLA policies. Everyone signed in reads; `admin.sla` writes. */

const Period = Type.Object(
  {
    day: Type.Integer({ description: '1 Monday … 7 Sunday' }),
    start: Type.String({ maxLength: 5, description: 'HH:MM, wall clock in the calendar zone' }),
    end: Type.String({ maxLength: 5, description: 'HH:MM (24:00 for midnight); before start with overnight: true' }),
    overnight: Type.Optional(Type.Boolean({ description: 'The period ends on the next day' })),
  },
  { additionalProperties: false },
);
const Hours = Type.Array(Period, { maxItems: 100, description: 'Weekly opening periods (several a day; no two overlap)' });
const Holidays = Type.Array(Type.String({ maxLength: 10 }), { maxItems: 1000, description: 'Closed dates, YYYY-MM-DD' });
const Zone = Type.String({ maxLength: 100, description: 'An IANA time zone, e.g. Europe/Berlin' });

export const CalendarSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  hours: Type.Array(
    Type.Object({ day: Type.Integer(), start: Type.String(), end: Type.String(), overnight: Type.Optional(Type.Boolean()) }),
  ),
  holidays: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const List = <T extends ReturnType<typeof Type.String>>(item: T) => Type.Optional(Nullable(Type.Array(item, { maxItems: 1000 })));
const Conditions = Type.Object(
  {
    priorities: List(Type.String({ maxLength: 20, description: PRIORITIES.join(', ') })),
    types: List(Type.String({ maxLength: 20, description: CASE_TYPES.join(', ') })),
    teamIds: List(Type.String({ maxLength: 64 })),
    tags: List(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: 'Each stated list must hold for the case (tags: any of them); none stated: every case' },
);
const Minutes = Type.Optional(Nullable(Type.Number({ description: `Business minutes, a whole number from 1 to ${MAX_TARGET_MINUTES}` })));
const Targets = Type.Object(
  { firstResponse: Minutes, nextResponse: Minutes, resolution: Minutes },
  { additionalProperties: false, description: 'At least one target, in business minutes' },
);

export const PolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer({ description: 'Policies are tried by position (then id); the first that matches applies' }),
  conditions: Type.Object({
    priorities: Type.Optional(Type.Array(StringEnum(PRIORITIES))),
    types: Type.Optional(Type.Array(StringEnum(CASE_TYPES))),
    teamIds: Type.Optional(Type.Array(Type.String())),
    tags: Type.Optional(Type.Array(Type.String())),
  }),
  targets: Type.Object({
    firstResponse: Type.Optional(Type.Integer()),
    nextResponse: Type.Optional(Type.Integer()),
    resolution: Type.Optional(Type.Integer()),
  }),
  calendarId: Nullable(Type.String({ description: 'null: the targets count around the clock' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Position = Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 });
const CalendarId = Type.Optional(Nullable(Type.String({ maxLength: 64 })));

const calendarJson = (c: CalendarRow) => ({
  id: c.id,
  name: c.name,
  timeZone: c.timeZone,
  hours: c.hours.map((p) => ({ day: p.day, start: p.start, end: p.end, ...(p.overnight ? { overnight: true } : {}) })),
  holidays: [...c.holidays],
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
const policyJson = (p: PolicyRow) => ({
  id: p.id,
  name: p.name,
  position: p.position,
  conditions: { ...p.conditions },
  targets: { ...p.targets },
  calendarId: p.calendarId,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export const slaRoutes: RouteModule = (app, deps) => {
  const tags = ['service levels'];

  app.get(
    '/api/v1/calendars',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'Business-hours calendars, by name',
        response: { 200: Type.Object({ calendars: Type.Array(CalendarSchema) }), ...problems(401) },
      },
    },
    async () => ({ calendars: (await listCalendars(deps.db.kysely)).map(calendarJson) }),
  );

  app.post(
    '/api/v1/calendars',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: 'Create a business-hours calendar (overlapping or reversed periods, unknown zones and bad dates are refused by field)',
        body: Type.Object(
          { name: Name(LIMITS.name), timeZone: Zone, hours: Hours, holidays: Type.Optional(Holidays) },
          { additionalProperties: false },
        ),
        response: { 201: CalendarSchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(calendarJson(await createCalendar(deps, actorOf(req), req.body))),
  );

  app.patch(
    '/api/v1/calendars/:id',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: "Change a calendar's name, zone, hours or holidays (running clocks follow it from the case's next change)",
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name(LIMITS.name)),
            timeZone: Type.Optional(Zone),
            hours: Type.Optional(Hours),
            holidays: Type.Optional(Holidays),
          },
          { additionalProperties: false },
        ),
        response: { 200: CalendarSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => calendarJson(await updateCalendar(deps, actorOf(req), pathId(req.params.id, 'Calendar'), req.body)),
  );

  app.delete(
    '/api/v1/calendars/:id',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: 'Delete a calendar that no SLA policy counts in (409 otherwise)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await deleteCalendar(deps, actorOf(req), pathId(req.params.id, 'Calendar'));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/sla-policies',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: 'SLA policies in the order they are tried (the first that matches a case applies)',
        response: { 200: Type.Object({ policies: Type.Array(PolicySchema) }), ...problems(401) },
      },
    },
    async () => ({ policies: (await listPolicies(deps.db.kysely)).map(policyJson) }),
  );

  app.post(
    '/api/v1/sla-policies',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: 'Create an SLA policy (position: where it is tried; default after the last)',
        body: Type.Object(
          {
            name: Name(LIMITS.name),
            position: Type.Optional(Position),
            conditions: Type.Optional(Conditions),
            targets: Targets,
            calendarId: CalendarId,
          },
          { additionalProperties: false },
        ),
        response: { 201: PolicySchema, ...problems(400, 401, 403) },
      },
    },
    async (req, reply) => reply.status(201).send(policyJson(await createPolicy(deps, actorOf(req), req.body))),
  );

  app.patch(
    '/api/v1/sla-policies/:id',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: 'Change an SLA policy (cases follow it from their next change)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name(LIMITS.name)),
            position: Type.Optional(Position),
            conditions: Type.Optional(Conditions),
            targets: Type.Optional(Targets),
            calendarId: CalendarId,
          },
          { additionalProperties: false },
        ),
        response: { 200: PolicySchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => policyJson(await updatePolicy(deps, actorOf(req), pathId(req.params.id, 'SLA policy'), req.body)),
  );

  app.delete(
    '/api/v1/sla-policies/:id',
    {
      config: { permission: 'admin.sla' },
      schema: {
        tags,
        summary: 'Delete an SLA policy (its cases lose their clocks at their next change unless another policy matches)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await deletePolicy(deps, actorOf(req), pathId(req.params.id, 'SLA policy'));
      return reply.status(204).send(null);
    },
  );
};
