import { normaliseBlockValue, type BlockKind } from '@casework/domain';
import type { AppUser } from '../../auth/actor.ts';
import type { Deps } from '../../deps.ts';
import { listBlocklist } from '../../db/repos/mail-safety.ts';
import { invalid, type FieldError } from '../../errors.ts';
import { inTransaction } from '../../outbox/outbox.ts';
import { addBlockEntry } from './spam.ts';
import { recordAudit } from '../audit/record-audit.ts';

export type BlockEntryJson = { value: string; kind: BlockKind; createdAt: string };

/** The blocklist as the API shows it (SPEC §13), newest first. */
export async function blocklist(deps: Deps): Promise<{ entries: BlockEntryJson[] }> {
  const rows = await listBlocklist(deps.db.kysely);
  return { entries: rows.map((r) => ({ value: r.value, kind: r.kind, createdAt: r.createdAt.toISOString() })) };
}

/** Reads entries as given: each value normalised by its kind (lower-case; a leading @ of a domain dropped), or a complaint naming it. */
function readEntries(list: readonly { kind: BlockKind; value: string }[]): { kind: BlockKind; value: string }[] {
  const problems: FieldError[] = [];
  const out: { kind: BlockKind; value: string }[] = [];
  list.forEach((e, i) => {
    const value = normaliseBlockValue(e.kind, e.value);
    if (value === null)
      problems.push({ field: `entries[${i}].value`, message: e.kind === 'email' ? 'is not an email address' : 'is not a domain name' });
    else out.push({ kind: e.kind, value });
  });
  if (problems.length) throw invalid(problems);
  return out;
}

/**
 * An administrator blocks senders or domains: their mail becomes spam cases directly and no
 * automatic mail goes to them. All or nothing: one bad value refuses the request (400 naming it).
 * An entry already listed stays as it was.
 */
export async function addToBlocklist(
  deps: Deps,
  actor: AppUser,
  list: readonly { kind: BlockKind; value: string }[],
): Promise<{ entries: BlockEntryJson[] }> {
  const entries = readEntries(list);
  await inTransaction(deps, async (trx) => {
    for (const e of entries) await addBlockEntry(trx, deps, actor, e);
  });
  return blocklist(deps);
}

/** An administrator unblocks senders or domains (entries not listed are ignored); each removal is audited. */
export async function removeFromBlocklist(
  deps: Deps,
  actor: AppUser,
  list: readonly { kind: BlockKind; value: string }[],
): Promise<{ entries: BlockEntryJson[] }> {
  const entries = readEntries(list);
  await inTransaction(deps, async (trx) => {
    for (const e of entries) {
      const gone = await trx
        .deleteFrom('blocklist')
        .where('kind', '=', e.kind)
        .where('value', '=', e.value)
        .returning('id')
        .executeTakeFirst();
      if (gone)
        await recordAudit(trx, deps, actor, {
          action: 'blocklist_entry.deleted',
          target: { type: 'blocklist_entry', id: gone.id, label: e.value },
          before: { kind: e.kind, value: e.value },
          after: null,
        });
    }
  });
  return blocklist(deps);
}
