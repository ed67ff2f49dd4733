import { describe, expect, it } from 'vitest';
import { lastMessageAfter, lastMessageOf, messagePreview, PREVIEW_MAX } from './index.ts';

/** Bodies and their previews (the SQL copy is held to messagePreview by the server test tests/last-message.test.ts). */
const PREVIEW_CASES: [string, string][] = [
  ['Hello there', 'Hello there'],
  ['  Hello there  ', 'Hello there'],
  ['\n\n  \nSecond line first\nthird', 'Second line first'],
  ['First\r\nSecond', 'First'],
  ['\t\tTabbed\t', 'Tabbed'],
  ['Ünïcödé 😀 emoji', 'Ünïcödé 😀 emoji'],
  ['x'.repeat(PREVIEW_MAX + 20), 'x'.repeat(PREVIEW_MAX)],
  [`${'😀'.repeat(PREVIEW_MAX)}tail`, '😀'.repeat(PREVIEW_MAX)],
  ['   ', ''],
  ['', ''],
  ['a\u00a0b\u00a0', 'a\u00a0b\u00a0'],
];

describe('messagePreview', () => {
  it.each(PREVIEW_CASES)('%j → %j', (body, preview) => {
    expect(messagePreview(body)).toBe(preview);
  });
});

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));

describe('the last message a card shows', () => {
  it.each([
    [
      { direction: 'inbound', internal: false, authorId: null },
      { fromCustomer: true, authorId: null },
    ],
    [
      { direction: 'outbound', internal: false, authorId: 'u1' },
      { fromCustomer: false, authorId: 'u1' },
    ],
    [{ direction: 'note', internal: true, authorId: 'u1' }, null],
  ] as const)('%j → %j', (m, expected) => {
    const r = lastMessageAfter({ ...m, body: 'Hi\nthere', createdAt: at(0) });
    if (expected === null) expect(r).toBeNull();
    else expect(r).toEqual({ ...expected, preview: 'Hi', at: at(0) });
  });

  it('of a conversation: the latest public message, notes left out, the later one on a tie', () => {
    const m = (minute: number, direction: 'inbound' | 'outbound' | 'note', body: string) => ({
      body,
      direction,
      internal: direction === 'note',
      authorId: direction === 'inbound' ? null : 'u1',
      createdAt: at(minute),
    });
    expect(lastMessageOf([])).toBeNull();
    expect(lastMessageOf([m(1, 'note', 'n')])).toBeNull();
    expect(lastMessageOf([m(1, 'inbound', 'q'), m(2, 'outbound', 'a'), m(3, 'note', 'n')])).toMatchObject({
      preview: 'a',
      fromCustomer: false,
    });
    expect(lastMessageOf([m(5, 'inbound', 'late'), m(2, 'outbound', 'early')])).toMatchObject({ preview: 'late', fromCustomer: true });
    expect(lastMessageOf([m(2, 'outbound', 'first'), m(2, 'inbound', 'second')])).toMatchObject({ preview: 'second' });
  });
});
