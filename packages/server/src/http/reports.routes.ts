import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { Nullable, problems } from './schemas.ts';
import { reportSummary } from '../use-cases/report-summary.ts';

const ReportQuery = Type.Object(
  {
    from: Type.String({ maxLength: 10, description: 'First day (YYYY-MM-DD) in the viewer’s time zone' }),
    to: Type.String({ maxLength: 10, description: 'Last day, included (YYYY-MM-DD); at most 3 years after from' }),
    teamId: Type.Optional(Type.String({ maxLength: 4000, description: 'Team ids, comma-separated' })),
    type: Type.Optional(Type.String({ maxLength: 200, description: 'Case types, comma-separated' })),
    agentId: Type.Optional(Type.String({ maxLength: 4000, description: 'Agents (owners) by user id, comma-separated' })),
  },
  { additionalProperties: false },
);

const Seconds = Nullable(Type.Integer({ description: 'Seconds; null without data' }));
const Quantiles = Type.Object(
  { median: Seconds, p90: Seconds },
  {
    description:
      'Median and 90th percentile from a log-scale histogram: durations in whole seconds (truncated), buckets one second wide below 40 s, then each next edge floor(edge × 1.025) (at most 2.5 % wide); the figure is the lower edge of the bucket holding the nearest-rank duration, so exact below 40 s and at most 2.5 % below the exact duration above.',
  },
);
const Count = Type.Integer({ minimum: 0 });
const Sla = Type.Array(
  Type.Object({
    kind: Type.Union([Type.Literal('firstResponse'), Type.Literal('resolution')]),
    met: Count,
    breached: Count,
    running: Count,
    achievement: Nullable(
      Type.Number({ description: 'Percent of the decided targets met in time (met ÷ (met + breached)); null when none' }),
    ),
  }),
  {
    description:
      'SLA achievement per target over the cases created in the range (or that day) that have the target: met in time, breached (met late or past due), still running. Empty when no SLA policy exists and no case of the range has a target.',
  },
);

const ReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String({ description: 'The viewer’s zone the days are counted in' }),
  scope: Type.Union([Type.Literal('all'), Type.Literal('teams'), Type.Literal('own')], {
    description: 'Whose cases count: every team’s, the viewer’s teams’ (report.view_team), or the viewer’s own work',
  }),
  totals: Type.Object({ created: Count, resolved: Count, reopened: Count, abandoned: Count }),
  firstResponse: Quantiles,
  resolution: Quantiles,
  sla: Sla,
  csat: Type.Object({
    count: Count,
    average: Nullable(Type.Number()),
    distribution: Type.Object({ '1': Count, '2': Count, '3': Count, '4': Count, '5': Count }),
  }),
  daily: Type.Array(Type.Object({ date: Type.String(), created: Count, resolved: Count, backlog: Type.Integer(), sla: Sla })),
  agents: Type.Array(
    Type.Object({
      agentId: Type.String(),
      agentName: Type.String(),
      claimed: Count,
      resolved: Count,
      medianHandle: Nullable(
        Type.Integer({
          description: 'Median seconds from creation to resolution of the cases they resolved, by the same histogram as the percentiles',
        }),
      ),
      slaMet: Type.Integer({
        minimum: 0,
        description: 'First-response and resolution targets met in time on the cases they own created in the range',
      }),
      slaBreached: Type.Integer({ minimum: 0, description: 'Those targets breached' }),
      slaAchievement: Nullable(Type.Number({ description: 'Percent of their decided targets met; null when none' })),
    }),
  ),
});

export const reportRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/reports/summary',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['reports'],
        summary: 'Report summary: volumes, response and resolution times, SLA achievement, backlog, satisfaction, per agent',
        description:
          'Counts the cases the viewer’s report scope covers: with report.view_team, their teams’ (every team with case.view_all); otherwise their own. Days are the viewer’s local days.',
        querystring: ReportQuery,
        response: { 200: ReportSchema, ...problems(400, 401) },
      },
    },
    async (req) => reportSummary(deps, actorOf(req), req.query),
  );
};
