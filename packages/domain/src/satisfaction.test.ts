import { describe, expect, it } from 'vitest';
import { surveyAnswerErrors, surveyDecision, surveyLinkState, type SurveyFacts } from './satisfaction.ts';

const base: SurveyFacts = {
  resolution: 'completed',
  channel: { type: 'email', surveys: true },
  alreadySurveyed: false,
  hasAddress: true,
  addressRefused: false,
  canDeliver: true,
};

describe('surveyDecision', () => {
  it.each([
    ['an email case resolved completed', {}, { send: true, channel: 'email' }],
    ['an email case resolved unresolved', { resolution: 'unresolved' }, { send: true, channel: 'email' }],
    ['an SMS case', { channel: { type: 'sms', surveys: true } }, { send: true, channel: 'sms' }],
    ['a canceled case', { resolution: 'canceled' }, { send: false, reason: 'canceled' }],
    ['canceled beats everything else', { resolution: 'canceled', channel: null, hasAddress: false }, { send: false, reason: 'canceled' }],
    ['a case without a channel', { channel: null }, { send: false, reason: 'no_channel' }],
    ['a chat case (rated in the chat)', { channel: { type: 'web_connect', surveys: true } }, { send: false, reason: 'no_channel' }],
    ['an SDK chat case', { channel: { type: 'support_sdk', surveys: true } }, { send: false, reason: 'no_channel' }],
    ['a phone case', { channel: { type: 'phone', surveys: true } }, { send: false, reason: 'no_channel' }],
    ['surveys switched off on the channel', { channel: { type: 'email', surveys: false } }, { send: false, reason: 'switched_off' }],
    ['a case surveyed before (resolved again)', { alreadySurveyed: true }, { send: false, reason: 'already_sent' }],
    ['no address', { hasAddress: false }, { send: false, reason: 'no_address' }],
    ['an address that bounced or is blocked', { addressRefused: true }, { send: false, reason: 'address_refused' }],
    ['a channel that cannot deliver', { canDeliver: false }, { send: false, reason: 'cannot_deliver' }],
  ] as const)('%s', (_name, patch, expected) => {
    expect(surveyDecision({ ...base, ...(patch as Partial<SurveyFacts>) })).toEqual(expected);
  });
});

describe('surveyLinkState', () => {
  it.each([
    [{ exists: false, secretMatches: false, answeredAt: null }, 'unknown'],
    [{ exists: true, secretMatches: false, answeredAt: null }, 'unknown'],
    [{ exists: true, secretMatches: false, answeredAt: new Date() }, 'unknown'],
    [{ exists: true, secretMatches: true, answeredAt: null }, 'open'],
    [{ exists: true, secretMatches: true, answeredAt: new Date() }, 'answered'],
  ] as const)('%o → %s', (s, expected) => expect(surveyLinkState(s)).toBe(expected));
});

describe('surveyAnswerErrors', () => {
  it.each([
    [{ stars: 1, comment: undefined }, []],
    [{ stars: 5, comment: 'Great' }, []],
    [{ stars: 3, comment: null }, []],
    [{ stars: 0, comment: undefined }, ['stars']],
    [{ stars: 6, comment: undefined }, ['stars']],
    [{ stars: 2.5, comment: undefined }, ['stars']],
    [{ stars: '4', comment: undefined }, ['stars']],
    [{ stars: 4, comment: 'x'.repeat(2001) }, ['comment']],
    [{ stars: 4, comment: 'x'.repeat(2000) }, []],
    [{ stars: undefined, comment: 7 }, ['stars', 'comment']],
  ] as const)('%o → %o', (a, fields) => expect(surveyAnswerErrors(a).map((e) => e.field)).toEqual(fields));
});
