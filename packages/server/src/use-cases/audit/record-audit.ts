import type { Kysely } from 'kysely';
import { auditChanges, maskSecrets, type AuditChanges } from '@casework/domain';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { insertAuditEntry } from '../../db/repos/audit-log.ts';
import { uuidv7 } from '../../ids.ts';

/** Who did it: a signed-in user (with the address their request came from), or nobody (a sign-in, the system). */
export type AuditActor = { id: string; ip?: string | null } | null;

export type AuditRecord = {
  action: string;
  target: { type: string; id: string | null; label?: string | null };
  /** The thing before and after the change (null when created or deleted): only the fields that differ are kept, secrets masked. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Changes worked out already (e.g. domain `secretChanges`), added to those of before → after. */
  changes?: AuditChanges;
  /** What else the entry says (a refusal's reason and fields); secrets masked. */
  detail?: Record<string, unknown> | null;
  /** The request's address when there is no signed-in actor to carry it. */
  ip?: string | null;
};

/**
 * Appends an audit entry in `q`, the transaction of the change it records (SPEC §14), so a change
 * is never without its entry and an entry never without its change.
 */
export async function recordAudit(q: Kysely<Database>, deps: Pick<Deps, 'clock'>, actor: AuditActor, r: AuditRecord): Promise<void> {
  const now = deps.clock.now();
  const changes = {
    ...(r.before !== undefined || r.after !== undefined ? auditChanges(r.before ?? null, r.after ?? null) : {}),
    ...(r.changes ?? {}),
  };
  await insertAuditEntry(q, {
    id: uuidv7(now.getTime()),
    at: now,
    actorId: actor?.id ?? null,
    action: r.action,
    target: r.target,
    ip: actor?.ip ?? r.ip ?? null,
    changes,
    detail: r.detail ? (maskSecrets(r.detail) as Record<string, unknown>) : null,
  });
}

type Shared = { scope: string; title: string } & Record<string, unknown>;

/**
 * A change to a canned reply or macro, audited when it is shared before or after (a team's or the
 * organisation's); one's personal ones are nobody else's business. The action follows from what
 * exists: `<type>.created`, `.updated` or `.deleted`.
 */
export async function recordSharedChange(
  q: Kysely<Database>,
  deps: Pick<Deps, 'clock'>,
  actor: AuditActor,
  target: { type: string; id: string },
  before: Shared | null,
  after: Shared | null,
): Promise<void> {
  if ((before?.scope ?? 'personal') === 'personal' && (after?.scope ?? 'personal') === 'personal') return;
  const action = `${target.type}.${before === null ? 'created' : after === null ? 'deleted' : 'updated'}`;
  await recordAudit(q, deps, actor, { action, target: { ...target, label: (after ?? before)!.title }, before, after });
}
