import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, type FieldError } from '../errors.ts';
import { describeFields, plainMessage, typeNoun } from '../field-messages.ts';
import type { App } from './route-types.ts';
import { UUID_PATTERN } from './schemas.ts';
import { drainRequest } from './drain-request.ts';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

type Issue = { keyword: string; instancePath?: string; schemaPath?: string; params?: Record<string, unknown>; message?: string };

const segments = (pointer = '') =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
const isUnknownField = (v: Issue) => v.keyword === 'boolean' && (v.schemaPath ?? '').endsWith('/additionalProperties');

/** One entry per offending field: unknown fields by name, required ones by name, unions summarised once. */
function fieldsOf(err: FastifyError): FieldError[] {
  const where = err.validationContext ?? 'body';
  const out: FieldError[] = [];
  const add = (path: string[], message: string) => {
    const field = [...(where === 'body' ? [] : [where]), ...path].join('.') || where;
    if (!out.some((f) => f.field === field && f.message === message)) out.push({ field, message });
  };
  collectIssues((err.validation ?? []) as Issue[], add);
  return out;
}

/** What a union accepts, e.g. `"completed" or "unresolved"` or `an object or null` (a constant's type is not repeated). */
function alternatives(branches: Issue[]): string[] {
  const consts = branches.filter((b) => b.keyword === 'const').map((b) => b.params?.allowedValue);
  const types = branches
    .filter((b) => b.keyword === 'type')
    .map((b) => String(b.params?.type))
    .filter((t) => !consts.some((c) => typeof c === t))
    .map(typeNoun);
  return [...new Set([...consts.map((c) => JSON.stringify(c)), ...types])];
}

function collectIssues(list: Issue[], add: (path: string[], message: string) => void): void {
  const under = (v: Issue, u: Issue) => (v.schemaPath ?? '').startsWith(`${u.schemaPath}/anyOf/`);
  const unions = list.filter((u) => u.keyword === 'anyOf' && !list.some((o) => o !== u && o.keyword === 'anyOf' && under(u, o)));
  const consumed = new Set<Issue>(unions);
  for (const u of unions) {
    const branches = list.filter((b) => under(b, u));
    for (const b of branches) consumed.add(b);
    // A branch that only says "wrong type" or "not this constant" is noise when another branch says more.
    const plain = (b: Issue) => b.instancePath === u.instancePath && (b.keyword === 'type' || b.keyword === 'const');
    const specific = branches.filter((b) => !plain(b));
    if (specific.length) collectIssues(specific, add);
    else if (branches.length === 0) add(segments(u.instancePath), u.message ?? 'is invalid');
    else add(segments(u.instancePath), `must be ${alternatives(branches).join(' or ')}`);
  }
  const rest = list.filter((v) => !consumed.has(v));
  // A value of the wrong type fails its other checks too (enum, format…): report the type only.
  const mistyped = new Set(rest.filter((v) => v.keyword === 'type').map((v) => v.instancePath));
  for (const v of rest) {
    if (v.keyword !== 'type' && mistyped.has(v.instancePath)) continue;
    const path = segments(v.instancePath);
    if (isUnknownField(v)) add(path, 'is not an allowed field');
    else if (v.keyword === 'additionalProperties') {
      const names = v.params?.additionalProperties ?? v.params?.additionalProperty;
      for (const n of [names].flat()) add([...path, String(n)], 'is not an allowed field');
    } else if (v.keyword === 'required') {
      const names = v.params?.requiredProperties ?? v.params?.missingProperty;
      for (const n of [names].flat()) add([...path, String(n)], 'is required');
    } else add(path, plainMessage(v, UUID_PATTERN)); // the UUID pattern restates the uuid format: one message for both
  }
}

/** Turns any error into an RFC 9457 problem; unexpected ones are logged and hidden. */
function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
  const e = err as FastifyError;
  // A path that cannot name anything (malformed or over-long id) is simply not found.
  if (e.validation && e.validationContext === 'params') return new Problem(404, 'not_found', 'Not found');
  if (e.validation) {
    const fields = fieldsOf(e);
    return new Problem(400, 'validation_failed', 'Invalid request', describeFields(fields), { fields });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'validation_failed', 'Malformed JSON', e.message, {
        fields: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload_too_large', 'Request body too large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported_media_type', 'Unsupported content type', 'Send JSON (Content-Type: application/json).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new Problem(404, 'not_found', 'Not found');
    case 'FST_ERR_BAD_URL':
      return new Problem(400, 'validation_failed', 'Malformed URL', 'The URL is not validly encoded.', {
        fields: [{ field: 'url', message: 'is not validly encoded' }],
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(400, 'validation_failed', 'Invalid Content-Length', e.message, { fields: [] });
  }
  if (e.statusCode === 429) return new Problem(429, 'rate_limited', 'Too many requests', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem(e.statusCode, 'validation_failed', 'Bad request', e.message, { fields: [] });
  }
  return new Problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

function sendProblem(reply: FastifyReply, req: FastifyRequest, p: Problem): FastifyReply {
  return reply.status(p.status).type(PROBLEM_TYPE).send(p.body(req.url));
}

/** Errors the router raises before any route runs (bad URL encoding, over-long path parameter), as problems too. */
export function frameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, req, toProblem(err));
}

export function installProblems(app: App): void {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    // The body was refused unread (too large…) and the connection will close: take the rest first,
    // so a client still sending reads this answer rather than a reset connection.
    if (reply.getHeader('connection') === 'close' && !req.raw.complete) await drainRequest(req.raw);
    if (p.status === 429 && err.statusCode === 429) {
      const retry = reply.getHeader('retry-after');
      if (retry) reply.header('retry-after', retry);
    }
    return sendProblem(reply, req, p);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, req, new Problem(404, 'not_found', 'Not found', `No route for ${req.method} ${req.url.split('?')[0]}`)),
  );
}
