import { describe, expect, it } from 'vitest';
import { afterFailedAttempt, deliveryProblem, type DeliveryRoute } from './delivery.ts';
import type { CaseType } from './types.ts';

const route = (
  type: CaseType | null,
  settings: Record<string, string> = {},
  secretNames: string[] = [],
  smtpRelay: string | null = null,
): DeliveryRoute => ({ channel: type ? { type, settings, secretNames } : null, smtpRelay });

describe('deliveryProblem', () => {
  it.each([
    ['no channel', route(null), /no address/],
    ['email without any relay', route('email'), /CASEWORK_SMTP_URL/],
    ['email with the server relay', route('email', {}, [], 'smtp://relay'), null],
    ['email with its own relay', route('email', { smtpUrl: 'smtp://own' }), null],
    ['email with its own submission server', route('email', { smtpHost: 'smtp.example.com' }), null],
    ['sms without an account', route('sms', { phoneNumber: '+1' }, ['authToken']), /SMS provider/],
    ['sms without an auth token', route('sms', { accountSid: 'AC1' }), /SMS provider/],
    ['sms with account and token', route('sms', { accountSid: 'AC1' }, ['authToken']), null],
    ['web chat', route('web_connect'), null],
    ['app chat', route('support_sdk'), null],
    ['phone', route('phone'), /call the customer back/],
    ['platform', route('platform'), /cannot carry/],
  ] as const)('%s', (_name, r, expected) => {
    const problem = deliveryProblem(r);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('afterFailedAttempt', () => {
  it.each([
    [1, 3, false, 'queued'],
    [2, 3, false, 'queued'],
    [3, 3, false, 'failed'],
    [4, 3, false, 'failed'],
    [1, 3, true, 'failed'],
  ] as const)('attempt %i of %i (permanent: %s) → %s', (attempts, max, permanent, state) => {
    expect(afterFailedAttempt(attempts, max, permanent)).toBe(state);
  });
});
