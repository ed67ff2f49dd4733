import { create as createDisposition } from 'content-disposition';

// Raster images a browser shows without running anything (SVG can carry script, so it is not one).
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * How a stored attachment is served. Customer-supplied bytes never render as a page in the app's
 * origin: anything but a plain raster image is `application/octet-stream`, and only such an image
 * may be shown inline (thumbnails); everything else is a download. The filename keeps its letters
 * (non-ASCII ones through RFC 8187) but loses paths and control characters.
 */
export function attachmentResponse(
  a: { filename: string | null; contentType: string },
  wantInline: boolean,
): { contentType: string; disposition: string } {
  const type = a.contentType.toLowerCase().split(';')[0]!.trim();
  const image = INLINE_IMAGE_TYPES.has(type);
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
