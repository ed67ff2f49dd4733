import { describe, expect, it } from 'vitest';
import {
  blockedBy,
  blockingDomains,
  bounceIsPermanent,
  classifyMail,
  inboundSpamReason,
  mayAutoMail,
  normaliseBlockValue,
  opensCase,
  readCopies,
  senderHeld,
  type MailHeaderFacts,
} from './mail-safety.ts';

const h = (over: Partial<MailHeaderFacts>): MailHeaderFacts => ({
  autoSubmitted: null,
  precedence: null,
  autoreplyHeader: false,
  listHeader: false,
  contentType: 'text/plain; charset=utf-8',
  from: 'ann@example.com',
  ...over,
});

describe('classifyMail', () => {
  it.each([
    ['a person', h({}), null],
    ['Auto-Submitted: no', h({ autoSubmitted: 'no' }), null],
    [
      'a DSN',
      h({ contentType: 'multipart/report; report-type=delivery-status; boundary="x"', from: 'mailer-daemon@mx.example.com' }),
      'bounce',
    ],
    ['a DSN with a quoted report type', h({ contentType: 'multipart/report; report-type="delivery-status"' }), 'bounce'],
    ['a report from the postmaster', h({ contentType: 'multipart/report; boundary=y', from: 'postmaster@example.org' }), 'bounce'],
    ['a read receipt from a person', h({ contentType: 'multipart/report; report-type=disposition-notification' }), null],
    [
      'a bounce that says auto-replied',
      h({ autoSubmitted: 'auto-replied', contentType: 'multipart/report; report-type=delivery-status' }),
      'bounce',
    ],
    ['Auto-Submitted: auto-replied', h({ autoSubmitted: 'auto-replied' }), 'auto_replied'],
    ['Auto-Submitted with parameters', h({ autoSubmitted: 'Auto-Replied; owner-email="x@example.com"' }), 'auto_replied'],
    ['X-Autoreply', h({ autoreplyHeader: true }), 'auto_replied'],
    ['Precedence: auto_reply', h({ precedence: 'auto_reply' }), 'auto_replied'],
    ['Auto-Submitted: auto-generated', h({ autoSubmitted: 'auto-generated' }), 'auto_generated'],
    ['Auto-Submitted: auto-notified', h({ autoSubmitted: 'auto-notified' }), 'auto_generated'],
    ['Precedence: bulk', h({ precedence: 'bulk' }), 'bulk'],
    ['Precedence: list', h({ precedence: 'List' }), 'bulk'],
    ['Precedence: junk', h({ precedence: 'junk' }), 'bulk'],
    ['a mailing list', h({ listHeader: true }), 'bulk'],
    ['Precedence: first-class', h({ precedence: 'first-class' }), null],
  ] as const)('%s', (_name, facts, kind) => {
    expect(classifyMail(facts)).toBe(kind);
  });

  it('opens a case for everything but bounces and auto-replies', () => {
    expect([null, 'bounce', 'auto_replied', 'auto_generated', 'bulk'].map((k) => opensCase(k as never))).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('blocklist', () => {
  it.each([
    ['email', ' Ann@Example.COM ', 'ann@example.com'],
    ['email', 'no-at.example.com', null],
    ['email', 'ann@localhost', null],
    ['email', 'a b@example.com', null],
    ['domain', '@Example.com', 'example.com'],
    ['domain', 'example', null],
    ['domain', 'ann@example.com', null],
    ['domain', '.example.com', null],
    ['domain', '', null],
  ] as const)('normalises %s %j to %j', (kind, value, expected) => {
    expect(normaliseBlockValue(kind, value)).toBe(expected);
  });

  const entries = [
    { kind: 'email', value: 'spam@example.com' },
    { kind: 'domain', value: 'junk.test' },
  ] as const;
  it.each([
    ['SPAM@example.com', 'spam@example.com'],
    ['ann@example.com', null],
    ['x@junk.test', 'junk.test'],
    ['x@mail.junk.test', 'junk.test'],
    ['x@notjunk.test', null],
  ] as const)('%s is blocked by %j', (address, by) => {
    expect(blockedBy(address, entries)?.value ?? null).toBe(by);
  });

  it('lists the domains that could block an address, most specific first', () => {
    expect(blockingDomains('a@mail.junk.test')).toEqual(['mail.junk.test', 'junk.test']);
    expect(blockingDomains('a@localhost')).toEqual([]);
  });
});

describe('inboundSpamReason', () => {
  it.each([
    ['an ordinary mail', false, { dmarc: 'pass', dmarcPolicy: 'reject' }, null],
    ['no verdicts', false, null, null],
    ['a blocked sender', true, { dmarc: 'pass', dmarcPolicy: 'none' }, 'blocked_sender'],
    ['a blocked sender failing DMARC', true, { dmarc: 'fail', dmarcPolicy: 'reject' }, 'blocked_sender'],
    ['DMARC fail, p=reject', false, { dmarc: 'fail', dmarcPolicy: 'reject' }, 'dmarc_reject'],
    ['DMARC fail, p=REJECT', false, { dmarc: 'FAIL', dmarcPolicy: 'REJECT' }, 'dmarc_reject'],
    ['DMARC fail, p=quarantine', false, { dmarc: 'fail', dmarcPolicy: 'quarantine' }, null],
    ['DMARC fail, p=none', false, { dmarc: 'fail', dmarcPolicy: 'none' }, null],
    ['DMARC fail, no policy', false, { dmarc: 'fail' }, null],
    ['DMARC none, p=reject', false, { dmarc: 'none', dmarcPolicy: 'reject' }, null],
    ['DMARC temperror, p=reject', false, { dmarc: 'temperror', dmarcPolicy: 'reject' }, null],
  ] as const)('%s', (_name, blocked, auth, reason) => {
    expect(inboundSpamReason({ blocked, auth })).toBe(reason);
  });
});

describe('mayAutoMail', () => {
  const ok = {
    address: 'ann@example.com',
    ownAddresses: ['help@acme.test'],
    blocked: false,
    bounced: false,
    lastInboundAutomatic: null,
    caseIsSpam: false,
  };
  it.each([
    ['a person', ok, null],
    ['no address', { ...ok, address: null }, 'no_address'],
    ['a phone number', { ...ok, address: '+4930123' }, 'no_address'],
    ['our own address', { ...ok, address: 'Help@Acme.test' }, 'own_address'],
    ['a blocked sender', { ...ok, blocked: true }, 'blocked'],
    ['an address that bounced', { ...ok, bounced: true }, 'bounced'],
    ['after an auto-reply', { ...ok, lastInboundAutomatic: 'auto_replied' }, 'automatic_sender'],
    ['after bulk mail', { ...ok, lastInboundAutomatic: 'bulk' }, 'automatic_sender'],
    ['after a system notification', { ...ok, lastInboundAutomatic: 'auto_generated' }, 'automatic_sender'],
    ['on a spam case', { ...ok, caseIsSpam: true }, 'spam'],
    ['on a spam case, to a blocked sender', { ...ok, caseIsSpam: true, blocked: true }, 'spam'],
  ] as const)('%s', (_name, facts, reason) => {
    const r = mayAutoMail(facts);
    expect(r.ok ? null : r.reason).toBe(reason);
  });
});

describe('senderHeld', () => {
  it.each([
    [0, 20, false],
    [19, 20, false],
    [20, 20, true],
    [500, 0, false],
  ])('%i recent mails with a limit of %i: held %s', (n, limit, held) => {
    expect(senderHeld(n, limit)).toBe(held);
  });
});

describe('bounceIsPermanent', () => {
  it.each([
    [{ action: 'failed', status: '5.1.1' }, true],
    [{ action: 'Failed', status: null }, true],
    [{ action: 'delayed', status: '4.4.7' }, false],
    [{ action: 'failed', status: '4.4.7' }, false],
    [{ action: null, status: '5.0.0' }, true],
    [{ action: 'delivered', status: '2.0.0' }, false],
    [{ action: null, status: null }, false],
  ])('%j → %s', (report, permanent) => {
    expect(bounceIsPermanent(report)).toBe(permanent);
  });
});

describe('readCopies', () => {
  it('lower-cases, drops duplicates and the recipient, keeps Cc over Bcc', () => {
    expect(
      readCopies(
        { cc: ['Bo@Example.com', 'bo@example.com', 'ann@example.com'], bcc: ['bo@example.com', 'boss@acme.test'] },
        'Ann@example.com',
      ),
    ).toEqual({
      ok: true,
      cc: ['bo@example.com'],
      bcc: ['boss@acme.test'],
    });
    expect(readCopies({}, null)).toEqual({ ok: true, cc: [], bcc: [] });
  });
  it.each([
    [{ cc: ['not an address'] }, 'cc[0]'],
    [{ cc: ['ok@example.com', 'Bo <bo@example.com>'] }, 'cc[1]'],
    [{ bcc: ['a@b'] }, 'bcc[0]'],
    [{ bcc: ['a@example.com, b@example.com'] }, 'bcc[0]'],
    [
      { cc: Array.from({ length: 15 }, (_, i) => `c${i}@example.com`), bcc: Array.from({ length: 6 }, (_, i) => `b${i}@example.com`) },
      'cc',
    ],
  ])('refuses %j naming %s', (input, field) => {
    const r = readCopies(input, null);
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual([field]);
  });
});
