import { Type } from '@fastify/type-provider-typebox';
import { canView } from '@casework/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from './route-types.ts';
import type { Deps } from '../deps.ts';
import type { AppUser } from '../auth/actor.ts';
import { actorOf } from './auth-hook.ts';
import { Content, Nullable, StringEnum, problems } from './schemas.ts';
import { sendAttachment } from './attachment-response.ts';
import { pathId } from './ids.ts';
import { forbidden, invalid, notFound, Problem } from '../errors.ts';
import { findCaseView } from '../db/repos/case-views.ts';
import { attachmentCap, findAttachment } from '../db/repos/attachments.ts';
import { tooLarge, uploadAttachment } from '../use-cases/upload-attachment.ts';
import { cleanText } from '../channels/clean-text.ts';

export const AttachmentSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'The file name (`attachment` when it came without one)' }),
  filename: Nullable(Type.String()),
  contentType: Type.String({ description: 'Sniffed from the bytes, not taken from the sender' }),
  size: Type.Integer(),
  url: Nullable(
    Type.String({ description: 'GET /api/v1/attachments/:id (same credentials); null when it was over the size cap and not kept' }),
  ),
  contentId: Nullable(Type.String({ description: "An inline image's Content-ID (shown in the mail's HTML in place)" })),
});

/** What a multipart body may add around the file itself (boundaries, part headers, a few fields). */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Whether the actor may attach files at all: whoever may reply or write notes on some case. */
const mayAttach = (actor: AppUser) => actor.permissions.has('case.message') || actor.permissions.has('case.message.team');

/** A refused upload closes the connection after the answer; the rest of the body is read first (problems.ts). */
export function refuseUpload(reply: FastifyReply, p: Problem): Problem {
  reply.header('connection', 'close');
  return p;
}

/**
 * The one file of an upload (multipart/form-data, field `file`) with the organisation's cap (SPEC
 * §13): a declared length over it is refused (413) before anything is read; not multipart is 415.
 */
export async function uploadedFile(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const cap = await attachmentCap(deps.db.kysely);
  const declared = Number(req.headers['content-length']);
  if (declared > cap + MULTIPART_OVERHEAD) throw refuseUpload(reply, tooLarge(cap));
  if (!req.isMultipart())
    throw new Problem(415, 'unsupported_media_type', 'Unsupported content type', 'Send the file as multipart/form-data (field `file`).');
  const part = await req.file({ limits: { fileSize: cap + 1, files: 1, fields: 5, fieldSize: 1000 } });
  if (!part) throw invalid([{ field: 'file', message: 'is required' }]);
  return { part, cap };
}

async function receiveUpload(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const actor = actorOf(req);
  if (!mayAttach(actor)) throw forbidden('case.message', 'Attaching files needs the right to reply or write notes.');
  const { part, cap } = await uploadedFile(deps, req, reply);
  try {
    return await uploadAttachment(deps, actor, { filename: cleanText(part.filename ?? ''), stream: part.file }, cap);
  } catch (err) {
    part.file.resume(); // let the parser read on, so the rest of the body drains and the 413 is read
    if (err instanceof Problem && err.status === 413) throw refuseUpload(reply, err);
    throw err;
  }
}

/** SPEC §13: uploads before sending, and every attachment's download through one visibility check. */
export const attachmentRoutes: RouteModule = (app, deps) => {
  app.post(
    '/api/v1/uploads',
    {
      config: { permission: 'authenticated', channelToken: true, multipart: true },
      schema: {
        tags: ['conversation'],
        summary: 'Upload a file to attach to a reply or note (multipart/form-data, field `file`)',
        description:
          "Streamed into storage (never held whole). At most the organisation's `maxAttachmentBytes` (default 25 MiB): " +
          'larger is 413 and nothing is kept. The type is sniffed from the bytes. Until a message names it in `attachmentIds`, ' +
          'only the uploader can read it.',
        consumes: ['multipart/form-data'],
        response: { 201: AttachmentSchema, ...problems(400, 401, 403, 413, 415) },
      },
    },
    async (req, reply) => reply.status(201).send(await receiveUpload(deps, req, reply)),
  );

  app.get(
    '/api/v1/attachments/:id',
    {
      config: { permission: 'authenticated', channelToken: true },
      schema: {
        tags: ['conversation'],
        summary: 'Download an attachment (404 unless its case is visible; an unsent upload only to its uploader)',
        description:
          'A download (Content-Disposition: attachment). `disposition=inline` shows a PNG, JPEG, GIF or WebP image in place ' +
          '(previews, inline mail images); any other file is still a download, served as application/octet-stream.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
        querystring: Type.Object(
          { disposition: Type.Optional(StringEnum(['attachment', 'inline'] as const)) },
          { additionalProperties: false },
        ),
        response: {
          200: Content('*/*', 'The file: application/octet-stream, or the image itself with disposition=inline'),
          ...problems(400, 401, 404),
        },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const a = await findAttachment(deps.db.kysely, pathId(req.params.id, 'Attachment'));
      if (a?.state !== 'stored') throw notFound('Attachment');
      if (a.case_id === null) {
        if (a.uploader_id !== actor.id) throw notFound('Attachment');
      } else {
        const v = await findCaseView(deps.db.kysely, a.case_id);
        if (!v || !canView(actor, v)) throw notFound('Attachment');
      }
      return sendAttachment(deps, reply, a, req.query.disposition === 'inline');
    },
  );
};
