import type { Kysely } from 'kysely';
import {
  DEFAULT_PRIORITY,
  isOpen,
  matchPolicy,
  priorityOfRank,
  replaySla,
  type SlaHistoryEvent,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { listCalendars, listPolicies } from '../db/repos/sla-config.ts';
import { writeSlaMany } from '../db/repos/sla.ts';
import type { ImportMessage, ImportRow } from './import-validate.ts';

type MessageRow = { item: number; direction: ImportMessage['direction']; createdAt: Date };

/**
 * An imported case's history as the SLA clocks read it (SPEC §12): created (new, or ready with an
 * owner), its public messages at their times, and its last status: a finished case at its resolved
 * time, a waiting one from its last activity (when it was last touched), an open one as it is.
 */
function importedHistory(r: ImportRow, messages: readonly MessageRow[]): SlaHistoryEvent[] {
  const first = r.ownerId ? 'ready' : 'new';
  const events: SlaHistoryEvent[] = [{ type: 'case.created', data: { status: first }, at: r.createdAt }];
  const conversation = messages
    .filter((m) => m.direction !== 'note')
    .map((m) => ({ type: 'case.message_created', data: { direction: m.direction, internal: false }, at: m.createdAt }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  events.push(...conversation);
  if (r.status !== first) {
    const at = !isOpen(r.status) ? (r.resolvedAt ?? r.lastActivityAt) : r.lastActivityAt;
    const when = new Date(Math.max(at.getTime(), events[events.length - 1]!.at.getTime()));
    events.push({ type: 'case.status_changed', data: { from: first, to: r.status }, at: when });
  }
  return events;
}

/**
 * The imported cases' clocks, in the import's transaction: each case's record replayed from its
 * imported history through the domain (replaySla, as the demo does) under the policy its facts
 * match, written by the SLA writer in one statement. Nothing to do while no policy exists.
 */
export async function importedClocks(
  trx: Kysely<Database>,
  ids: string[],
  rows: ImportRow[],
  messages: readonly MessageRow[],
  now: Date,
): Promise<void> {
  const policies = await listPolicies(trx);
  if (!policies.length) return;
  const calendars = new Map((await listCalendars(trx)).map((c) => [c.id, c]));
  const byItem = new Map<number, MessageRow[]>();
  for (const m of messages) {
    const list = byItem.get(m.item) ?? [];
    list.push(m);
    byItem.set(m.item, list);
  }
  const records: { caseId: string; record: SlaRecord; status: Status }[] = [];
  rows.forEach((r, i) => {
    const policy = matchPolicy(policies, {
      priority: priorityOfRank(r.priority) ?? DEFAULT_PRIORITY,
      type: r.type,
      teamId: r.teamId,
      tags: r.tags,
    });
    const cal = policy?.calendarId ? (calendars.get(policy.calendarId) ?? null) : null;
    const record = replaySla(importedHistory(r, byItem.get(i) ?? []), policy, cal, now);
    if (record) records.push({ caseId: ids[i]!, record, status: r.status });
  });
  await writeSlaMany(trx, records);
}
