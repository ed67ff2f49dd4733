import type { Deps } from '../deps.ts';
import { conflict, notFound } from '../errors.ts';
import { channelSecrets, findChannel, type ChannelRecord } from '../db/repos/channels.ts';
import { mailServerOf } from '../channels/email/mail-server-settings.ts';
import { describeMailError, loginRefused, openImap } from '../channels/imap/imap-connect.ts';
import { smtpTransportFor } from '../channels/email/send-email.ts';

export type ConnectionCheck = { ok: boolean; message: string };
const TIMEOUT_MS = 15_000;

/**
 * Tries an email channel's saved mail servers the way fetching and replying will use them:
 * IMAP (connect, TLS, login, open the folder read-only) and SMTP submission (connect, TLS,
 * login). Nothing is fetched or sent; null for a server the channel does not use.
 */
export async function testMailConnection(
  deps: Deps,
  channelId: string,
): Promise<{ imap: ConnectionCheck | null; smtp: ConnectionCheck | null }> {
  const ch = await findChannel(deps.db.kysely, channelId);
  if (!ch) throw notFound('Channel');
  if (ch.type !== 'email') throw conflict('Only email channels connect to mail servers.');
  const [imap, smtp] = await Promise.all([checkImap(deps, ch), checkSmtp(deps, ch)]);
  return { imap, smtp };
}

async function checkImap(deps: Deps, ch: ChannelRecord): Promise<ConnectionCheck | null> {
  const server = mailServerOf('imap', ch.settings);
  if (!server) return null;
  const password = (await channelSecrets(deps.db.kysely, ch)).imapPassword ?? '';
  try {
    const client = await openImap(server, password, { ca: deps.config.mailCa, timeoutMs: TIMEOUT_MS, allow: deps.config.outboundAllow });
    try {
      const box = await client.mailboxOpen(server.folder, { readOnly: true });
      const idle = client.capabilities.has('IDLE');
      return {
        ok: true,
        message: `Signed in to ${server.host}:${server.port}; ${server.folder} holds ${box.exists} message${box.exists === 1 ? '' : 's'}; ${
          idle ? 'new mail is picked up at once (IDLE)' : 'the server has no IDLE, so the folder is checked periodically'
        }.`,
      };
    } finally {
      await client.logout().catch(() => client.close());
    }
  } catch (err) {
    return { ok: false, message: describeMailError(err, server) };
  }
}

async function checkSmtp(deps: Deps, ch: ChannelRecord): Promise<ConnectionCheck | null> {
  const server = mailServerOf('smtp', ch.settings);
  const t = await smtpTransportFor(deps, ch, TIMEOUT_MS);
  if (!t) return { ok: false, message: 'No outgoing mail server: set one on this channel or CASEWORK_SMTP_URL on the server.' };
  try {
    await t.transport.verify();
    return { ok: true, message: `Connected to ${t.via}${server?.user ? ` and signed in as ${server.user}` : ''}.` };
  } catch (err) {
    const e = err as Error & { responseCode?: number; response?: string; code?: string };
    if (server && (e.code === 'EAUTH' || e.responseCode === 535))
      return {
        ok: false,
        message: loginRefused(`${server.host}:${server.port}`, e.response ?? e.message),
      };
    return { ok: false, message: server ? describeMailError(err, server) : `${t.via}: ${e.message}` };
  } finally {
    t.transport.close();
  }
}
