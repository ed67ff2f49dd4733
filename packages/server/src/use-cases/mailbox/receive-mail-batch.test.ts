import { describe, expect, it } from 'vitest';
import { lanesOf, type FetchedMail } from './receive-mail-batch.ts';

const mail = (id: string, sender: string, inReplyTo: string[] = []): FetchedMail => ({
  providerId: id,
  payload: {
    kind: 'message',
    customer: { name: null, email: sender },
    replyTo: sender,
    subject: id,
    body: id,
    lookup: inReplyTo.map((x) => ({ kind: 'message_id', id: x })),
    register: [{ kind: 'message_id', id }],
    sender,
  },
});
const ids = (lanes: FetchedMail[][]) => lanes.map((l) => l.map((m) => m.providerId));

describe('lanesOf: a fetched batch spread over transactions', () => {
  it('spreads unrelated mails over at most `max` lanes, in their order', () => {
    const mails = ['a', 'b', 'c', 'd', 'e'].map((x) => mail(x, `${x}@cust.example`));
    expect(ids(lanesOf(mails, 3))).toEqual([['a', 'd'], ['b', 'e'], ['c']]);
    expect(ids(lanesOf(mails, 1))).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('keeps one sender’s mails and one thread in one lane, in order', () => {
    const mails = [mail('a1', 'ann@x'), mail('b1', 'bob@x'), mail('a2', 'ann@x'), mail('c1', 'cy@x', ['b1']), mail('d1', 'di@x')];
    expect(ids(lanesOf(mails, 4))).toEqual([['a1', 'a2'], ['b1', 'c1'], ['d1']]);
  });

  it('a mail tying two lanes together makes the batch one lane', () => {
    const mails = [mail('a1', 'ann@x'), mail('b1', 'bob@x'), mail('c1', 'ann@x', ['b1'])];
    expect(ids(lanesOf(mails, 4))).toEqual([['a1', 'b1', 'c1']]);
  });
});
