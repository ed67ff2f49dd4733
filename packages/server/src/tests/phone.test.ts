import { describe, expect, it } from 'vitest';
import { normalisePhone, phoneOrRaw, phoneSearchDigits } from '../phone.ts';

describe('normalisePhone', () => {
  it.each([
    ['+1 (555) 010-2000', '+15550102000'],
    ['+15550102000', '+15550102000'],
    ['  +1 555 010 2000  ', '+15550102000'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+49 (0)30 1234567', '+49301234567'],
    ['+1.555.010.2000', '+15550102000'],
    // Unreadable as an international number but written with a leading +: digits and plus, as given.
    ['+1-555-0100', '+15550100'],
    ['+999 12', '+99912'],
    // No country code, or not a number: not an international number.
    ['555 010 2000', null],
    ['0044 20 7946 0958', null],
    ['call me', null],
    ['+', null],
    ['', null],
    ['   ', null],
  ])('%j → %j', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });
});

describe('phoneOrRaw (numbers a customer writes from)', () => {
  it.each([
    ['+1 (555) 010-2000', '+15550102000'],
    ['whatsapp:+15550102000', '+15550102000'],
    ['555 010 2000', '555 010 2000'],
    [' shortcode 7726 ', 'shortcode 7726'],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(phoneOrRaw(raw)).toBe(expected);
  });
});

describe('phoneSearchDigits', () => {
  it.each([
    ['555 010 2000', '5550102000'],
    ['+1 (555) 010-2000', '15550102000'],
    ['010', '010'],
    ['12', null],
    ['Ada 555', null],
    ['ada@example.com', null],
  ])('%j → %j', (q, expected) => {
    expect(phoneSearchDigits(q)).toBe(expected);
  });
});
