import { describeFields, type FieldError } from './field-messages.ts';

/** Stable error codes of the API (SPEC §8), plus transport-level ones. */
export type ProblemCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'already_claimed'
  | 'queue_empty'
  | 'transition_not_allowed'
  | 'capacity_reached'
  /** Resolving a case whose required custom fields are not set (409, `fields` names them). */
  | 'fields_required'
  | 'conflict'
  /** An account mail could not be sent: no relay configured (503) or the relay refused it (502). */
  | 'mail_unavailable'
  | 'mail_failed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'internal';

export type { FieldError };

/** An expected failure, answered as application/problem+json (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  body(instance?: string): Record<string, unknown> {
    return {
      type: `urn:casework:problem:${this.code}`,
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extra,
    };
  }
}

export const notFound = (what = 'Case') => new Problem(404, 'not_found', `${what} not found`);
export const forbidden = (action: string, detail?: string) =>
  new Problem(403, 'forbidden', 'Not allowed', detail ?? `You may not ${action.replace(/_/g, ' ')} here.`, { action });
export const invalid = (fields: FieldError[], detail?: string) =>
  new Problem(400, 'validation_failed', 'Invalid request', detail ?? describeFields(fields), { fields });
export const unauthenticated = (detail = 'Sign in first.') => new Problem(401, 'unauthenticated', 'Not signed in', detail);
export const notAllowedTransition = (detail: string) => new Problem(409, 'transition_not_allowed', 'Not possible in this status', detail);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new Problem(409, 'conflict', 'Conflict', detail, extra);
