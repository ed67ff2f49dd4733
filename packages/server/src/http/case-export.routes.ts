import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { RouteModule } from './route-types.ts';
import { actorOf } from './auth-hook.ts';
import { problems } from './schemas.ts';
import { CaseFilterFields, FIELD_FILTER_PROPERTIES, readCaseFilter } from './case-filters.ts';
import { parseFieldFilters } from './field-filters.ts';
import { invalid, type FieldError } from '../errors.ts';
import { exportCases } from './case-export.ts';
import { localDate } from '@casework/domain';

const ExportQuery = Type.Object({ ...CaseFilterFields }, { additionalProperties: false, ...FIELD_FILTER_PROPERTIES });

export const caseExportRoutes: RouteModule = (app, deps) => {
  app.get(
    '/api/v1/cases/export.csv',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['cases'],
        summary: 'Export the Cases list as CSV',
        description:
          'The same filters and visibility as GET /cases, every matching case (no paging), streamed as text/csv: a header row, then `reference,id`, the case columns (times in the viewer’s zone) and one column per custom field.',
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV (RFC 4180)' }), ...problems(400, 401) },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const errors: FieldError[] = [];
      const { filter, sort } = readCaseFilter(actor, req.query, errors, deps.clock.now());
      const fields = await parseFieldFilters(deps.db, req.query, errors);
      if (errors.length) throw invalid(errors);
      const name = `cases-${localDate(deps.clock.now(), actor.timeZone)}.csv`;
      return (
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          // A stream is pulled as the socket drains (backpressure), one page read ahead at most; the schema documents its text.
          .send(Readable.from(exportCases(deps, actor, { ...filter, fields }, sort), { highWaterMark: 1 }) as unknown as string)
      );
    },
  );
};
