import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, type FieldError } from '../errors.ts';
import type { App } from './route-types.ts';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

function fieldsOf(err: FastifyError): FieldError[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const params = v.params as { additionalProperty?: string; requiredProperties?: string[]; missingProperty?: string } | undefined;
    const extra = params?.additionalProperty ?? params?.missingProperty ?? params?.requiredProperties?.join(',');
    const field = [where === 'body' ? '' : where, path, extra && !path.endsWith(extra) ? extra : '']
      .filter(Boolean).join('.') || where;
    return { field, message: v.message ?? 'is invalid' };
  });
}

/** Turns any error into an RFC 9457 problem; unexpected ones are logged and hidden. */
export function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
  const e = err as FastifyError;
  if (e.validation) {
    const fields = fieldsOf(e);
    return new Problem(400, 'validation_failed', 'Invalid request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'validation_failed', 'Malformed JSON', e.message, { fields: [{ field: 'body', message: 'is not valid JSON' }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload_too_large', 'Request body too large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported_media_type', 'Unsupported content type', 'Send JSON (Content-Type: application/json).');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(400, 'validation_failed', 'Invalid Content-Length', e.message, { fields: [] });
  }
  if (e.statusCode === 429) return new Problem(429, 'rate_limited', 'Too many requests', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem(e.statusCode, 'validation_failed', 'Bad request', e.message, { fields: [] });
  }
  return new Problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, p: Problem): FastifyReply {
  return reply.status(p.status).type(PROBLEM_TYPE).send(p.body(req.url));
}

export function installProblems(app: App): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    if (p.status === 429 && err.statusCode === 429) {
      const retry = reply.getHeader('retry-after');
      if (retry) reply.header('retry-after', retry);
    }
    return sendProblem(reply, req, p);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new Problem(404, 'not_found', 'Not found', `No route for ${req.method} ${req.url.split('?')[0]}`)));
}
