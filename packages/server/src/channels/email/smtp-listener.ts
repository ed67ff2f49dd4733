import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import { findEmailChannel } from '../../db/repos/channels.ts';
import { receiveCustomerMessage } from '../../use-cases/receive-customer-message.ts';
import { parseMail, unreadableMail } from './parse-mail.ts';
import { authenticateMail } from './mail-auth.ts';
import { uuidv7 } from '../../ids.ts';

export type SmtpListener = { port: number; close(): Promise<void> };

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * Listens for inbound mail. Only recipients that are an active email channel's address are
 * accepted (others get 550); a mail is answered 250 only after it is stored, so nothing accepted is lost.
 */
export async function startSmtpListener(deps: Deps, opts: ChannelOptions, at: { port: number; host: string }): Promise<SmtpListener> {
  const server = new SMTPServer({
    name: 'casework',
    banner: 'Casework inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: opts.maxMailBytes,
    logger: false,
    maxClients: 50,
    onRcptTo(address, _session, cb) {
      findEmailChannel(deps.db.kysely, address.address).then(
        (ch) => cb(ch ? undefined : smtpError(550, `No mailbox here for ${address.address}`)),
        () => cb(smtpError(451, 'Temporary failure, try again later')),
      );
    },
    onData(stream, session, cb) {
      receiveMail(deps, opts, stream, session).then(
        () => cb(null, 'Message accepted'),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) deps.log.error({ err }, 'inbound mail failed');
          cb(err.responseCode ? err : smtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
  });
  server.on('error', (err) => deps.log.warn({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : at.port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function receiveMail(deps: Deps, opts: ChannelOptions, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) throw smtpError(552, 'Message too large');
  const raw = Buffer.concat(chunks);
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
  // A mail that cannot be parsed (or is empty) is kept with what could be read: never refused
  // with a temporary failure the sender would retry forever. Without a From, the envelope's sender stands in.
  // Each accepted SMTP transaction is a mail of its own: a mail without a Message-ID gets a fresh id.
  const arrival = `smtp:${uuidv7()}`;
  const parsed = await parseMail(raw, opts.maxAttachmentBytes, arrival).catch((err: unknown) => {
    deps.log.warn({ err }, 'inbound mail could not be parsed; kept as an attachment');
    return unreadableMail(raw, opts.maxAttachmentBytes, arrival);
  });
  const { providerId, payload } = parsed;
  let { from } = parsed;
  if (!from && mailFrom?.includes('@')) {
    from = mailFrom;
    payload.customer = { ...payload.customer, email: mailFrom };
    payload.replyTo ??= mailFrom;
    payload.sender ??= mailFrom.toLowerCase();
  }
  payload.auth = await authenticateMail(raw, { ip: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom }, opts.dnsResolver);
  for (const rcpt of session.envelope.rcptTo) {
    const ch = await findEmailChannel(deps.db.kysely, rcpt.address);
    if (!ch) continue;
    if (from && from.toLowerCase() === ch.address) continue; // our own mail coming back: never a loop
    await receiveCustomerMessage(deps, ch, providerId, payload);
  }
}
