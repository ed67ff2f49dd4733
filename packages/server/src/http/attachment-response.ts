import type { FastifyReply } from 'fastify';
import { create as createDisposition } from 'content-disposition';
import type { Deps } from '../deps.ts';
import { readStored } from '../attachments/store.ts';

// Raster images a browser shows without running anything (SVG can carry script, so it is not one).
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Whether a (sniffed) type is one of the raster images shown in place: PNG, JPEG, GIF, WebP. */
export const isInlineImage = (contentType: string): boolean => INLINE_IMAGE_TYPES.has(contentType.toLowerCase().split(';')[0]!.trim());

/**
 * How a stored attachment is served. Customer-supplied bytes never render as a page in the app's
 * origin: anything but a plain raster image is `application/octet-stream`, and only such an image
 * may be shown inline (thumbnails); everything else is a download. The filename keeps its letters
 * (non-ASCII ones through RFC 8187) but loses paths and control characters.
 */
function attachmentResponse(
  a: { filename: string | null; contentType: string },
  wantInline: boolean,
): { contentType: string; disposition: string } {
  const type = a.contentType.toLowerCase().split(';')[0]!.trim();
  const image = isInlineImage(type);
  return {
    contentType: image ? type : 'application/octet-stream',
    disposition: createDisposition(safeFilename(a.filename), { type: image && wantInline ? 'inline' : 'attachment' }),
  };
}

/** A filename fit for a header and a download folder: last path segment, no control characters, at most 200 characters. */
function safeFilename(name: string | null): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters from a filename is the point
    .replace(/[\u0000-\u001f\u007f-\u009f"]/g, '')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return clean || 'attachment';
}

/**
 * Sends a stored attachment. Customer-supplied bytes never render as a page of the app: only a
 * raster image may be inline; `nosniff` and a sandboxing CSP on every answer.
 */
export function sendAttachment(
  deps: Deps,
  reply: FastifyReply,
  a: { id: string; filename: string | null; content_type: string; size: number; file_path: string | null },
  inline: boolean,
) {
  const served = attachmentResponse({ filename: a.filename, contentType: a.content_type }, inline);
  return reply
    .header('content-disposition', served.disposition)
    .header('content-length', a.size)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox; frame-ancestors 'none'")
    .header('cache-control', 'private, max-age=600')
    .type(served.contentType)
    .send(readStored(deps.db, a));
}
