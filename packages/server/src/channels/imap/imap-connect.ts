import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { resolveTarget, TargetNotAllowed, TARGET_NOT_ALLOWED } from '../outbound/target-guard.ts';
import type { MailServer } from '../email/mail-server-settings.ts';

export type MailTls = { ca: string | null; timeoutMs: number; allow: readonly string[] };

/** The system's certificate authorities plus the operator's extra ones (`CASEWORK_MAIL_CA_FILE`). */
export const trustedCas = (extra: string | null): string[] | undefined => (extra ? [...rootCertificates, extra] : undefined);

/**
 * Connects and logs in to a channel's IMAP server: the host is resolved and checked against the
 * outbound rules at every connection and the socket goes to the address that passed; TLS (direct
 * or STARTTLS, which is then required) verifies the certificate against the host name.
 */
export async function openImap(server: MailServer, password: string, tls: MailTls): Promise<ImapFlow> {
  const target = await resolveTarget(server.host, tls.allow);
  const client = new ImapFlow({
    host: target.address,
    port: server.port,
    secure: server.security === 'tls',
    doSTARTTLS: server.security === 'starttls' ? true : server.security === 'none' ? false : undefined,
    // TLS checks the certificate against the name the admin typed (SNI only for names, not addresses).
    ...(isIP(server.host.replace(/^\[|\]$/g, '')) ? {} : { servername: server.host }),
    auth: { user: server.user ?? '', pass: password },
    tls: { ...(tls.ca ? { ca: trustedCas(tls.ca) } : {}), minVersion: 'TLSv1.2' },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: tls.timeoutMs,
    greetingTimeout: tls.timeoutMs,
    socketTimeout: 5 * 60_000,
    clientInfo: { name: 'Casework' },
  });
  // Errors after connecting surface through the next command; an unhandled 'error' event must not end the process.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** "Login refused by host:port: <the server's words>. Check the user name and password." */
export function loginRefused(where: string, serverText: string | undefined): string {
  const said = serverText?.trim().replace(/\.$/, '');
  return `Login refused by ${where}${said ? `: ${said}` : ''}. Check the user name and password.`;
}

/** A connection or login failure in words an administrator can act on. */
export function describeMailError(err: unknown, server: Pick<MailServer, 'host' | 'port'> & { folder?: string }): string {
  if (err instanceof TargetNotAllowed)
    return `${TARGET_NOT_ALLOWED}: ${server.host} is an internal address (allow it with CASEWORK_OUTBOUND_ALLOW)`;
  const e = err as Error & {
    code?: string;
    authenticationFailed?: boolean;
    responseText?: string;
    tlsFailed?: boolean;
    mailboxMissing?: boolean;
    path?: string;
  };
  const where = `${server.host}:${server.port}`;
  if (e.authenticationFailed) return loginRefused(where, e.responseText);
  if (e.mailboxMissing) return `The folder ${e.path ?? server.folder ?? ''} does not exist on ${where}`;
  if (e.tlsFailed) return `TLS failed with ${where}: ${e.message}`;
  if (e.code === 'ECONNREFUSED') return `Connection refused by ${where}`;
  if (e.code === 'ETIMEDOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'GREETING_TIMEOUT') return `No answer from ${where} (timed out)`;
  if (e.code === 'ENOTFOUND' || /could not resolve/.test(e.message)) return `The host ${server.host} could not be found`;
  if (/certificate|self[- ]signed|altnames/i.test(e.message)) return `The certificate of ${where} is not trusted: ${e.message}`;
  return `${where}: ${e.responseText ?? e.message}`;
}
