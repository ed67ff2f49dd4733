import type { SsoRefusal } from '@casework/domain';
import type { Deps } from '../../deps.ts';

/**
 * Every sign-in outcome and every change to an account's credentials passes through
 * `recordAccountEvent`, the one place an audit trail will write them. Today it logs them (never
 * a secret: no password, token or code, only what happened to whom and from where).
 */
export type AccountEvent =
  | { type: 'sign_in.succeeded'; userId: string; method: 'password' | 'totp' | 'recovery_code' | 'sso' }
  | { type: 'sign_in.second_factor_needed'; userId: string }
  | {
      type: 'sign_in.failed';
      userId: string | null;
      reason: 'wrong_password' | 'wrong_code' | 'too_many_codes' | 'pending_expired' | 'password_sign_in_off';
    }
  | {
      /** A sign-in through the OpenID provider that was refused; `detail` says what failed (never a token or secret). */
      type: 'sign_in.failed';
      method: 'sso';
      userId: string | null;
      email: string | null;
      reason: SsoRefusal;
      detail?: string;
    }
  | { type: 'user.created_by_sso'; userId: string }
  | { type: 'sso_settings.changed'; actorId: string; changes: Record<string, { from: unknown; to: unknown }> }
  | { type: 'sso_settings.refused'; actorId: string; fields: { field: string; message: string }[] }
  | { type: 'password_reset.requested'; userId: string | null }
  | { type: 'password_reset.completed'; userId: string }
  | { type: 'invitation.sent' | 'invitation.resent' | 'invitation.revoked'; invitationId: string; actorId: string }
  | { type: 'invitation.accepted'; invitationId: string; userId: string }
  | { type: 'two_factor.enabled' | 'two_factor.disabled'; userId: string }
  | { type: 'two_factor.reset'; userId: string; actorId: string };

export type RequestOrigin = { ip: string };

export function recordAccountEvent(deps: Pick<Deps, 'log'>, event: AccountEvent, origin: RequestOrigin | null = null): void {
  deps.log.info({ account: event, ip: origin?.ip }, `account: ${event.type}`);
}
