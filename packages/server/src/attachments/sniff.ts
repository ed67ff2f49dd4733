import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes the sniffer reads (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

/**
 * The content type of a file judged from its first bytes, never from what the sender declared
 * (SPEC §13): a known binary signature gives its type (PNG, PDF, ZIP…); text without NUL bytes
 * that decodes as UTF-8 is `text/plain`; anything else is `application/octet-stream`.
 */
export async function sniffType(head: Uint8Array): Promise<string> {
  const sample = head.subarray(0, SNIFF_BYTES);
  const known = await fileTypeFromBuffer(sample);
  if (known) return known.mime;
  if (sample.length > 0 && !sample.includes(0) && decodesAsUtf8(sample)) return 'text/plain';
  return 'application/octet-stream';
}

function decodesAsUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: true lets a character cut at the end of the sample pass.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
