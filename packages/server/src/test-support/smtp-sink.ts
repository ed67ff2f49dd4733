import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpSink = {
  port: number;
  url: string;
  /** Each mail parsed, with its envelope and its raw source (to check the MIME structure). */
  mails: (ParsedMail & { envelopeFrom: string; rcptTo: string[]; raw: Buffer })[];
  close(): Promise<void>;
};

/** An SMTP server on a free loopback port that keeps every mail it is given (the far end of outbound mail in tests). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SmtpSink['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('end', () => {
        const raw = Buffer.concat(parts);
        simpleParser(raw).then((m) => {
          mails.push(
            Object.assign(m, {
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              raw,
            }),
          );
          cb();
        }, cb);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
