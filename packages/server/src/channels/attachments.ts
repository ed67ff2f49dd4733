/** An attachment as received: bytes (base64) only when within the size cap, metadata always. */
export type InboundAttachment = {
  filename: string | null;
  contentType: string;
  size: number;
  contentBase64: string | null;
  /** An inline image's Content-ID (without angle brackets), which the mail's HTML names as `cid:`. */
  contentId?: string | null;
};

/** Builds the stored form of attachments: bytes kept while the running total stays under the cap. */
export function capAttachments(
  list: { filename?: string | null; contentType: string; content: Buffer; contentId?: string | null }[],
  capBytes: number,
): InboundAttachment[] {
  let kept = 0;
  return list.map((a) => {
    const keep = kept + a.content.length <= capBytes;
    if (keep) kept += a.content.length;
    return {
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.content.length,
      contentBase64: keep ? a.content.toString('base64') : null,
      contentId: a.contentId ?? null,
    };
  });
}
