import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';

/** A tiny PNG (1×1, red) for inline images. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

const compose = async (mail: SendMailOptions, dkim?: { domainName: string; keySelector: string; privateKey: string }) => {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) });
  const info = await t.sendMail(mail);
  return info.message as Buffer;
};

/** `noCase`: automatic mail that opens no case of its own (an auto-reply or a bounce to no conversation of ours, SPEC §13). */
export type FixtureMail = { subject: string; raw: Buffer | string; expectText?: string; expectAttachments?: number; noCase?: boolean };

/**
 * Mail as it arrives in real mailboxes: built by a real MIME composer (nodemailer), or written
 * out as mail servers send it (a DSN bounce, an ISO-8859-1 message, an out-of-office reply).
 */
export async function realWorldMails(to: string, tag: string): Promise<FixtureMail[]> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkimKey = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const id = (n: string) => `<${n}.${tag}@cust.example>`;
  return [
    {
      subject: `Alternative ${tag}`,
      raw: await compose({
        from: 'Alma Alt <alma@cust.example>',
        to,
        subject: `Alternative ${tag}`,
        messageId: id('alt'),
        text: 'The plain part of the mail.',
        html: '<p>The <b>HTML</b> part of the mail.</p>',
      }),
      expectText: 'The plain part of the mail.',
    },
    {
      subject: `Inline image ${tag}`,
      raw: await compose({
        from: 'Ivo Inline <ivo@cust.example>',
        to,
        subject: `Inline image ${tag}`,
        messageId: id('inline'),
        html: '<p>See the screenshot:</p><img src="cid:shot@cust.example">',
        attachments: [{ filename: 'shot.png', content: PNG, cid: 'shot@cust.example', contentType: 'image/png' }],
      }),
      expectText: 'See the screenshot:',
      expectAttachments: 1,
    },
    {
      subject: `Attachment ${tag}`,
      raw: await compose({
        from: 'Ada Attach <ada@cust.example>',
        to,
        subject: `Attachment ${tag}`,
        messageId: id('attach'),
        text: 'The invoice is attached.',
        attachments: [{ filename: 'invoice.pdf', content: PDF, contentType: 'application/pdf' }],
      }),
      expectText: 'The invoice is attached.',
      expectAttachments: 1,
    },
    {
      subject: `Grüße ${tag}`,
      raw: Buffer.from(
        [
          'From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@cust.example>',
          `To: ${to}`,
          `Subject: =?ISO-8859-1?Q?Gr=FC=DFe_${tag}?=`,
          `Message-ID: ${id('latin1')}`,
          'Date: Mon, 01 Dec 2026 09:00:00 +0100',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=ISO-8859-1',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'Sch=F6ne Gr=FC=DFe aus K=F6ln, die Bestellung ist nicht angekommen.',
          '',
        ].join('\r\n'),
        'latin1',
      ),
      expectText: 'Schöne Grüße aus Köln',
    },
    {
      subject: `Out of office ${tag}`,
      raw: [
        'From: Otto Office <otto@cust.example>',
        `To: ${to}`,
        `Subject: Out of office ${tag}`,
        `Message-ID: ${id('ooo')}`,
        'Date: Mon, 01 Dec 2026 09:01:00 +0000',
        'Auto-Submitted: auto-replied',
        'X-Autoreply: yes',
        'Precedence: auto_reply',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'I am away until Monday and will answer then.',
        '',
      ].join('\r\n'),
      expectText: 'I am away until Monday',
      noCase: true,
    },
    {
      subject: `Undelivered Mail Returned to Sender ${tag}`,
      raw: [
        'From: MAILER-DAEMON@mx.cust.example (Mail Delivery System)',
        `To: ${to}`,
        `Subject: Undelivered Mail Returned to Sender ${tag}`,
        `Message-ID: ${id('dsn')}`,
        'Date: Mon, 01 Dec 2026 09:02:00 +0000',
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsnb"',
        '',
        '--dsnb',
        'Content-Description: Notification',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'This is the mail system at host mx.cust.example.',
        'I am sorry to have to inform you that your message could not be delivered.',
        '',
        '--dsnb',
        'Content-Description: Delivery report',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.cust.example',
        '',
        'Final-Recipient: rfc822; gone@cust.example',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <gone@cust.example>: Recipient address rejected',
        '',
        '--dsnb',
        'Content-Description: Undelivered Message Headers',
        'Content-Type: text/rfc822-headers',
        '',
        `From: ${to}`,
        'To: gone@cust.example',
        'Subject: Re: Your order',
        '',
        '--dsnb--',
        '',
      ].join('\r\n'),
      expectText: 'could not be delivered',
      noCase: true,
    },
    {
      subject: `Signed ${tag}`,
      raw: await compose(
        {
          from: 'Sid Signed <sid@cust.example>',
          to,
          subject: `Signed ${tag}`,
          messageId: id('dkim'),
          text: 'This mail carries a DKIM signature.',
        },
        { domainName: 'cust.example', keySelector: 'mail', privateKey: dkimKey },
      ),
      expectText: 'This mail carries a DKIM signature.',
    },
  ];
}

/** A plain customer mail. */
export function plainMail(to: string, n: string, extra: string[] = []): string {
  return [
    `From: Customer ${n} <c${n}@cust.example>`,
    `To: ${to}`,
    `Subject: Question ${n}`,
    `Message-ID: <q${n}@cust.example>`,
    'Date: Mon, 01 Dec 2026 10:00:00 +0000',
    ...extra,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Question number ${n}.`,
    '',
  ].join('\r\n');
}
