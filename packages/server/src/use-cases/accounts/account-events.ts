import type { Kysely } from 'kysely';
import type { SsoRefusal } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { recordAudit, type AuditRecord } from '../audit/record-audit.ts';

/**
 * Every sign-in outcome and every change to an account's credentials passes through
 * `recordAccountEvent`: an audit log entry, written in the transaction of the change it records
 * (or alone, for an attempt that changed nothing), and a log line. Never a secret: no password,
 * token or code, only what happened to whom and from where.
 */
export type AccountEvent =
  | { type: 'sign_in.succeeded'; userId: string; method: 'password' | 'totp' | 'recovery_code' | 'sso' }
  | { type: 'sign_in.second_factor_needed'; userId: string }
  | {
      type: 'sign_in.failed';
      userId: string | null;
      reason: 'wrong_password' | 'wrong_code' | 'too_many_codes' | 'pending_expired' | 'password_sign_in_off';
      /** The address typed at a password sign-in (kept so attempts on an address can be found; never the password). */
      email?: string;
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
  | { type: 'signed_out'; userId: string }
  | { type: 'user.created_by_sso'; userId: string; email: string }
  | { type: 'sso_settings.changed'; actorId: string; changes: Record<string, { from: unknown; to: unknown }> }
  | { type: 'sso_settings.refused'; actorId: string; fields: { field: string; message: string }[] }
  | { type: 'password_reset.requested'; userId: string | null }
  | { type: 'password_reset.completed'; userId: string }
  | {
      type: 'invitation.sent' | 'invitation.resent' | 'invitation.revoked';
      invitationId: string;
      actorId: string;
      email?: string;
      role?: string;
      teamIds?: string[];
    }
  | { type: 'invitation.accepted'; invitationId: string; userId: string; email?: string }
  | { type: 'two_factor.enabled' | 'two_factor.disabled'; userId: string }
  | { type: 'two_factor.reset'; userId: string; actorId: string };

export type RequestOrigin = { ip: string };

const user = (id: string | null, label?: string | null) => ({ type: 'user', id, label: label ?? null });

/** The audit entry an account event is: who acted, on what, and what else it says. */
function auditOf(e: AccountEvent): { actorId: string | null; record: AuditRecord } {
  switch (e.type) {
    case 'sign_in.succeeded':
      return { actorId: e.userId, record: { action: e.type, target: user(e.userId), detail: { method: e.method } } };
    case 'sign_in.second_factor_needed':
    case 'signed_out':
    case 'password_reset.completed':
    case 'two_factor.enabled':
    case 'two_factor.disabled':
      return { actorId: e.userId, record: { action: e.type === 'signed_out' ? 'sign_out' : e.type, target: user(e.userId) } };
    case 'sign_in.failed': {
      const { type: _type, userId, email, ...detail } = e;
      return { actorId: null, record: { action: e.type, target: user(userId, email ?? null), detail } };
    }
    case 'user.created_by_sso':
      return {
        actorId: e.userId,
        record: { action: 'user.created', target: user(e.userId, e.email), after: { email: e.email }, detail: { via: 'sso' } },
      };
    case 'sso_settings.changed':
      return { actorId: e.actorId, record: { action: e.type, target: { type: 'sso_settings', id: null }, changes: e.changes } };
    case 'sso_settings.refused':
      return { actorId: e.actorId, record: { action: e.type, target: { type: 'sso_settings', id: null }, detail: { fields: e.fields } } };
    case 'password_reset.requested':
      return { actorId: null, record: { action: e.type, target: user(e.userId) } };
    case 'invitation.accepted':
      return { actorId: e.userId, record: { action: e.type, target: { type: 'invitation', id: e.invitationId, label: e.email } } };
    case 'two_factor.reset':
      return { actorId: e.actorId, record: { action: e.type, target: user(e.userId) } };
    default:
      return {
        actorId: e.actorId,
        record: {
          action: e.type,
          target: { type: 'invitation', id: e.invitationId, label: e.email },
          ...(e.type === 'invitation.sent' ? { before: null, after: { email: e.email, role: e.role, teamIds: e.teamIds } } : {}),
        },
      };
  }
}

/**
 * Records an account event in `q`: the transaction of the change it is about, so the entry commits
 * with it (or the database itself, for an attempt that changed nothing, such as a failed sign-in).
 */
export async function recordAccountEvent(
  q: Kysely<Database>,
  deps: Pick<Deps, 'log' | 'clock'>,
  event: AccountEvent,
  origin: RequestOrigin | null = null,
): Promise<void> {
  const { actorId, record } = auditOf(event);
  await recordAudit(q, deps, actorId ? { id: actorId, ip: origin?.ip ?? null } : null, { ...record, ip: origin?.ip ?? null });
  deps.log.info({ account: event, ip: origin?.ip }, `account: ${event.type}`);
}
