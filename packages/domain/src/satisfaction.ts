import type { CaseType, Resolution } from './types.ts';
import { LIMITS } from './limits.ts';

/**
 * Satisfaction surveys (SPEC §12). Resolving a case sends the customer a one-question survey by
 * the case's channel: a mail with the link, a text message with the link. Chats are rated in the
 * chat itself when the customer ends it, so they get no survey.
 */
export const SURVEY_CHANNELS = ['email', 'sms'] as const satisfies readonly CaseType[];
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number];

export const isSurveyChannel = (t: string | null | undefined): t is SurveyChannel => SURVEY_CHANNELS.includes(t as SurveyChannel);

/** Why no survey goes out after a resolution. */
export type SurveySkip =
  /** Canceled cases get no automatic message (SPEC §2). */
  | 'canceled'
  /** The case did not come through a channel that can carry a survey (chat, phone, API, by hand). */
  | 'no_channel'
  /** The channel's admin switched surveys off. */
  | 'switched_off'
  /** A case is surveyed once: resolving it again after a reopen sends no second survey. */
  | 'already_sent'
  /** The customer has no address on that channel. */
  | 'no_address'
  /** Mail to the address bounced or was refused before, or it is blocked, or the sender is an auto-responder. */
  | 'address_refused'
  /** The channel cannot deliver at all (no relay, no provider account). */
  | 'cannot_deliver';

export type SurveyFacts = {
  resolution: Resolution;
  /** The case's channel (null: none). */
  channel: { type: CaseType; surveys: boolean } | null;
  alreadySurveyed: boolean;
  hasAddress: boolean;
  /** The address bounced, is blocked or belongs to an automatic sender (the server knows which). */
  addressRefused: boolean;
  canDeliver: boolean;
};

/** Whether resolving sends a survey, and if not why; the first reason in this order wins. */
export function surveyDecision(f: SurveyFacts): { send: true; channel: SurveyChannel } | { send: false; reason: SurveySkip } {
  if (f.resolution === 'canceled') return { send: false, reason: 'canceled' };
  if (!f.channel || !isSurveyChannel(f.channel.type)) return { send: false, reason: 'no_channel' };
  if (!f.channel.surveys) return { send: false, reason: 'switched_off' };
  if (f.alreadySurveyed) return { send: false, reason: 'already_sent' };
  if (!f.hasAddress) return { send: false, reason: 'no_address' };
  if (f.addressRefused) return { send: false, reason: 'address_refused' };
  if (!f.canDeliver) return { send: false, reason: 'cannot_deliver' };
  return { send: true, channel: f.channel.type };
}

/** A survey link's state as the public page answers it: unknown or forged (404), answered (409), open. */
export type SurveyLinkState = 'unknown' | 'answered' | 'open';

/**
 * The state of a survey link. The secret is checked before anything else is told, so a forged
 * link cannot learn whether a survey exists or was answered.
 */
export function surveyLinkState(s: { exists: boolean; secretMatches: boolean; answeredAt: Date | null }): SurveyLinkState {
  if (!s.exists || !s.secretMatches) return 'unknown';
  return s.answeredAt ? 'answered' : 'open';
}

/** A survey answer's problems, by field: 1 to 5 whole stars, a comment of at most LIMITS.surveyComment characters. */
export function surveyAnswerErrors(a: { stars: unknown; comment: unknown }): { field: 'stars' | 'comment'; message: string }[] {
  const errors: { field: 'stars' | 'comment'; message: string }[] = [];
  if (typeof a.stars !== 'number' || !Number.isInteger(a.stars) || a.stars < 1 || a.stars > 5)
    errors.push({ field: 'stars', message: 'must be a whole number from 1 to 5' });
  if (a.comment !== undefined && a.comment !== null && (typeof a.comment !== 'string' || a.comment.length > LIMITS.surveyComment))
    errors.push({ field: 'comment', message: `must be text of at most ${LIMITS.surveyComment} characters` });
  return errors;
}

/** The history (and live, and webhook-free) events of a survey: one string in the database, on the wire and in the web app. */
export const SURVEY_EVENTS = {
  /** The invitation left by the case's channel: `{surveyId, channel}`. */
  sent: 'case.survey_sent',
  /** The invitation could not be delivered for good: `{surveyId, channel, lastError}`. */
  failed: 'case.survey_failed',
  /** The customer answered: `{surveyId, stars, comment}`. */
  rated: 'case.satisfaction_rated',
} as const;
