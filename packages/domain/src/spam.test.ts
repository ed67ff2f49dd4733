import { describe, expect, it } from 'vitest';
import { STATUSES, listedByDefault, spamExpired, type Status } from './types.ts';

describe('listedByDefault: a list without a status filter shows every status but spam (SPEC §13)', () => {
  const LISTED: Record<Status, boolean> = {
    new: true,
    ready: true,
    waiting: true,
    resolved: true,
    closed: true,
    canceled: true,
    spam: false,
  };
  it.each(STATUSES)('%s', (status) => expect(listedByDefault(status)).toBe(LISTED[status]));
});

describe('spamExpired: deleted whole 24-hour days after it became spam', () => {
  const at = new Date('2026-03-28T12:00:00Z'); // a daylight-saving switch in Europe lies inside the period: days are 24 h
  const DAY = 86_400_000;
  it.each([
    { days: 30, after: 30 * DAY - 1, due: false },
    { days: 30, after: 30 * DAY, due: true },
    { days: 1, after: DAY + 1, due: true },
    { days: 1, after: 0, due: false },
  ])('$days days, $after ms later → $due', ({ days, after, due }) => {
    expect(spamExpired(at, days, new Date(at.getTime() + after))).toBe(due);
  });
});
