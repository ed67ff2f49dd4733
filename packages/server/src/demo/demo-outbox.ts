import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One message the demo's stand-in providers received. */
export type OutboxItem = { kind: 'email' | 'sms'; at: Date; from: string; to: string; subject: string | null; body: string };

const KEEP = 200;

/**
 * Where the demo's replies really go: an SMTP relay and an SMS provider (Twilio's REST form) on
 * loopback, inside the demo process, keeping the last messages in memory for `/demo/outbox`.
 * Nothing leaves the machine, and a newcomer sees the whole loop.
 */
export class DemoOutbox {
  readonly items: OutboxItem[] = [];
  #smtp: SMTPServer | null = null;
  #sms: http.Server | null = null;
  smtpUrl = '';
  smsApiBaseUrl = '';

  async start(): Promise<void> {
    this.#smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, _session, cb) => {
        simpleParser(stream).then((m) => {
          const to = [m.to]
            .flat()
            .flatMap((a) => a?.value ?? [])
            .map((a) => a.address ?? '')
            .join(', ');
          this.#add({
            kind: 'email',
            at: new Date(),
            from: m.from?.text ?? '',
            to,
            subject: m.subject ?? null,
            body: (m.text ?? '').trim(),
          });
          cb();
        }, cb);
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.#smtp!.server.once('error', reject);
      this.#smtp!.listen(0, '127.0.0.1', () => resolve());
    });
    this.smtpUrl = `smtp://127.0.0.1:${(this.#smtp.server.address() as AddressInfo).port}`;
    this.#sms = http.createServer((req, res) => this.#onSms(req, res));
    await new Promise<void>((resolve) => this.#sms!.listen(0, '127.0.0.1', () => resolve()));
    this.smsApiBaseUrl = `http://127.0.0.1:${(this.#sms.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.#smtp ? new Promise<void>((r) => this.#smtp!.close(() => r())) : null,
      this.#sms
        ? new Promise<void>((r) => {
            this.#sms!.closeAllConnections();
            this.#sms!.close(() => r());
          })
        : null,
    ]);
  }

  #add(item: OutboxItem): void {
    this.items.unshift(item);
    this.items.length = Math.min(this.items.length, KEEP);
  }

  /** POST /2010-04-01/Accounts/{sid}/Messages.json with To/From/Body, as the SMS sender posts it. */
  #onSms(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < 100_000) body += chunk;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not found' }));
        return;
      }
      const form = new URLSearchParams(body);
      const sid = `SMdemo${Date.now().toString(36)}${this.items.length}`;
      this.#add({
        kind: 'sms',
        at: new Date(),
        from: form.get('From') ?? '',
        to: form.get('To') ?? '',
        subject: null,
        body: form.get('Body') ?? '',
      });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
    });
  }
}
