import { Type } from '@fastify/type-provider-typebox';
import { LIMITS } from '@casework/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from './route-types.ts';
import { Nullable, Text, problems } from './schemas.ts';
import { Problem } from '../errors.ts';
import { answerSurvey, openSurvey } from '../use-cases/surveys/answer-survey.ts';
import { surveyClosedPage, surveyFormPage, surveyThanksPage } from './survey-page.ts';

const Params = Type.Object({ token: Text(200, 1) });
const PageQuery = Type.Object(
  {
    stars: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Pre-chooses these stars (the mail links one per rating)' })),
  },
  { additionalProperties: false },
);
const Answer = Type.Object(
  {
    stars: Type.Union([Type.Integer(), Type.String({ maxLength: 2 })], { description: '1 to 5 (a form sends it as text)' }),
    comment: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.surveyComment }))),
  },
  { additionalProperties: false },
);
const SurveyInfo = Type.Object({ reference: Type.String(), organisation: Type.String() });
const Answered = Type.Object({
  reference: Type.String(),
  organisation: Type.String(),
  stars: Type.Integer(),
  comment: Nullable(Type.String()),
});
const either = (description: string, json: unknown) => ({
  description,
  content: { 'application/json': { schema: json }, 'text/html': { schema: { type: 'string' } } },
});
const closed = (status: 404 | 409, what: string) => ({
  description: `${what}: problem+json, or a page for a browser`,
  content: { ...problems(status)[status]!.content, 'text/html': { schema: { type: 'string' } } },
});

/** A browser reading the page (HTML answers) or a program (JSON and problem+json). */
const wantsPage = (req: FastifyRequest) =>
  req.method === 'GET'
    ? /text\/html/.test(req.headers.accept ?? '') && !/application\/json/.test(req.headers.accept ?? '')
    : /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '');

const sendPage = (reply: FastifyReply, status: number, page: string) =>
  reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);

/** A 404/409 answered as a page to a browser; anything else goes to the problem handler. */
function closedAsPage(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (!wantsPage(req) || !(err instanceof Problem) || (err.status !== 404 && err.status !== 409)) throw err;
  return sendPage(reply, err.status, surveyClosedPage(err.status));
}

/**
 * The customer's satisfaction survey (SPEC §12), public: the link is the credential. GET shows the
 * question (never records anything, so mail scanners opening links change nothing); POST records
 * 1–5 stars and an optional comment once. Unknown or forged links answer 404, used ones 409.
 */
export const surveyRoutes: RouteModule = (app, deps) => {
  const limit = { max: 30, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => `survey:${req.ip}` };

  app.get(
    '/survey/:token',
    {
      config: { permission: 'public', rateLimit: limit },
      schema: {
        tags: ['surveys'],
        summary: "The customer's survey page (HTML for a browser, JSON otherwise): names the case's reference, nothing else",
        params: Params,
        querystring: PageQuery,
        response: {
          200: either('The question', SurveyInfo),
          404: closed(404, 'Unknown or forged link'),
          409: closed(409, 'Already answered'),
        },
      },
    },
    async (req, reply) => {
      try {
        const info = await openSurvey(deps, req.params.token);
        if (!wantsPage(req)) return reply.send(info);
        return sendPage(reply, 200, surveyFormPage({ ...info, action: req.url.split('?')[0]!, stars: req.query.stars ?? null }));
      } catch (err) {
        return closedAsPage(req, reply, err);
      }
    },
  );

  app.post(
    '/survey/:token',
    {
      config: { permission: 'public', rateLimit: limit },
      schema: {
        tags: ['surveys'],
        summary: 'Answer the survey once: 1–5 stars and an optional comment (JSON or a form); a second answer is 409',
        params: Params,
        body: Answer,
        response: {
          200: either('Recorded: the answer as JSON, or the thank-you page for a form', Answered),
          404: closed(404, 'Unknown or forged link'),
          409: closed(409, 'Already answered'),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const stars = typeof b.stars === 'string' && /^\d$/.test(b.stars) ? Number(b.stars) : b.stars;
      try {
        const done = await answerSurvey(deps, req.params.token, { stars, comment: b.comment });
        if (!wantsPage(req)) return reply.send(done);
        return sendPage(reply, 200, surveyThanksPage(done));
      } catch (err) {
        return closedAsPage(req, reply, err);
      }
    },
  );
};
