import type { Deps } from '../../deps.ts';
import type { ChannelRecord } from '../../db/repos/channels.ts';
import { channelSecrets } from '../../db/repos/channels.ts';
import { attachmentCap } from '../../db/repos/attachments.ts';
import type { InboundAttachment } from '../attachments.ts';
import { outboundRequest } from '../outbound/outbound-http.ts';
import type { FormParams } from './twilio-signature.ts';
import { smsMedia } from './sms-inbound.ts';

/**
 * Fetches an MMS's media from the provider (SPEC §13: inbound SMS media become attachments of the
 * message): each URL through the outbound target guard, with the channel's account as basic auth
 * (Twilio's media URLs accept it), up to the organisation's attachment cap. A file that cannot be
 * fetched or is too large is named in the message text instead (`lines`), so nothing is silently lost.
 */
export async function fetchSmsMedia(
  deps: Deps,
  ch: ChannelRecord,
  p: FormParams,
): Promise<{ attachments: InboundAttachment[]; lines: string[] }> {
  const media = smsMedia(p);
  if (media.length === 0) return { attachments: [], lines: [] };
  const cap = await attachmentCap(deps.db.kysely);
  const secrets = await channelSecrets(deps.db.kysely, ch);
  const sid = ch.settings.accountSid;
  const auth = sid && secrets.authToken ? `Basic ${Buffer.from(`${sid}:${secrets.authToken}`).toString('base64')}` : null;
  const attachments: InboundAttachment[] = [];
  const lines: string[] = [];
  for (const [i, m] of media.entries()) {
    try {
      const r = await outboundRequest(m.url, {
        method: 'GET',
        headers: auth ? { authorization: auth } : {},
        timeoutMs: 10_000,
        allow: deps.config.outboundAllow,
        fileMaxBytes: cap,
      });
      if (!r.ok || !r.bytes) throw new Error(r.ok ? 'larger than the attachment cap' : `answered ${r.status}`);
      attachments.push({
        filename: mediaName(m.url, i, m.contentType),
        contentType: m.contentType,
        size: r.bytes.length,
        contentBase64: r.bytes.toString('base64'),
      });
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, channelId: ch.id }, 'MMS media could not be fetched');
      lines.push(`[Media: ${m.url}]`);
    }
  }
  return { attachments, lines };
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'video/mp4': 'mp4' };

/** A file name for a media URL: its last path segment, with an extension from the declared type when it has none. */
function mediaName(url: string, i: number, contentType: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || `media-${i + 1}`;
  const ext = EXTENSIONS[contentType.toLowerCase()];
  return /\.[a-z0-9]{2,5}$/i.test(last) || !ext ? last : `${last}.${ext}`;
}
