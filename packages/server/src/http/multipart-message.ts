import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { actorOf } from './auth-hook.ts';
import { invalid, Problem } from '../errors.ts';
import { attachmentCap } from '../db/repos/attachments.ts';
import { tooLarge, uploadAttachment } from '../use-cases/upload-attachment.ts';
import { cleanText } from '../channels/clean-text.ts';

const MAX_FILES = 20;

/**
 * A message sent as multipart/form-data (SPEC §13): the fields `body`, `internal` and
 * `attachmentIds`, and files (`files[]`), each streamed into storage as it arrives, exactly like
 * POST /uploads. Becomes the JSON body the route validates, the new files' ids added to
 * `attachmentIds`. A file over the cap stops the request with 413 (the connection closes after it).
 */
export async function readMultipartMessage(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const actor = actorOf(req);
  const cap = await attachmentCap(deps.db.kysely);
  const fields: Record<string, string> = {};
  const ids: string[] = [];
  const parts = req.parts({ limits: { fileSize: cap + 1, files: MAX_FILES, fields: 30, fieldSize: 200_000 } });
  for await (const part of parts) {
    if (part.type === 'field') {
      if (part.fieldname === 'attachmentIds') ids.push(String(part.value));
      else fields[part.fieldname] = String(part.value);
      continue;
    }
    if (!actor.permissions.has('case.message') && !actor.permissions.has('case.message.team')) {
      part.file.resume();
      continue; // the route refuses the message itself (403)
    }
    try {
      const a = await uploadAttachment(deps, actor, { filename: cleanText(part.filename ?? ''), stream: part.file }, cap);
      ids.push(a.id);
    } catch (err) {
      part.file.resume();
      if (err instanceof Problem && err.status === 413) {
        reply.header('connection', 'close');
        throw tooLarge(cap);
      }
      throw err;
    }
  }
  if (fields.internal !== undefined && !['true', 'false'].includes(fields.internal))
    throw invalid([{ field: 'internal', message: 'must be true or false' }]);
  return {
    body: fields.body ?? '',
    ...(fields.internal !== undefined ? { internal: fields.internal === 'true' } : {}),
    ...(ids.length ? { attachmentIds: ids } : {}),
  };
}
