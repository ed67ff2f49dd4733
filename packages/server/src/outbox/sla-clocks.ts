import type { Kysely } from 'kysely';
import {
  DEFAULT_PRIORITY,
  matchPolicy,
  priorityOfRank,
  reconcileSla,
  slaColumns,
  type CaseType,
  type DomainEvent,
  type SlaFacts,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { readSlaFacts, teamSupervisors, writeSla, type SlaCaseFacts } from '../db/repos/sla.ts';

/**
 * A case's SLA clocks kept up to date (SPEC §12), in the transaction that changed the case: its
 * facts and every policy are read in one statement (`read`: already read by the statement that
 * appended the events), the domain's matchPolicy and reconcileSla
 * decide, and the record and its columns are written only when they changed. Returns the
 * record (undefined: nothing to keep) and the `case.sla_breached` events to record for the targets that breached and were not yet recorded
 * (each target's breach is recorded once: the record keeps its `breachedAt`).
 */
export async function keepSlaClocks(
  trx: Kysely<Database>,
  caseId: string,
  at: Date,
  read?: SlaCaseFacts | null,
): Promise<{ record: SlaRecord | null | undefined; breaches: DomainEvent[] }> {
  const f = read !== undefined ? read : await readSlaFacts(trx, caseId);
  if (!f || (f.policies.length === 0 && !f.sla)) return { record: undefined, breaches: [] };
  const facts: SlaFacts = {
    status: f.status as Status,
    createdAt: f.createdAt,
    firstResponseAt: f.firstResponseAt,
    // the customer wrote after the first answer and has had no answer since: the next-response clock
    awaitingReplySince:
      f.firstResponseAt && f.lastMessageFromCustomer && f.lastMessageAt && f.lastMessageAt > f.firstResponseAt ? f.lastMessageAt : null,
  };
  const policy = matchPolicy(f.policies, {
    priority: priorityOfRank(f.priority) ?? DEFAULT_PRIORITY,
    type: f.type as CaseType,
    teamId: f.teamId,
    tags: f.tags,
  });
  const { record, breaches } = reconcileSla(f.sla, facts, policy, policy?.calendar ?? null, at);
  // A finished or reopened case changes its reported outcomes even when its clocks stay as they were (paused while waiting).
  const cols = slaColumns(record, facts.status);
  if (
    JSON.stringify(record) !== JSON.stringify(f.sla) ||
    cols.firstResponseOutcome !== f.storedOutcomes[0] ||
    cols.resolutionOutcome !== f.storedOutcomes[1]
  )
    await writeSla(trx, caseId, record, facts.status);
  if (!breaches.length || !record) return { record, breaches: [] };
  const supervisorIds = f.ownerId ? [] : await teamSupervisors(trx, f.teamId);
  const events = breaches.map((kind) => {
    const c = record.clocks.find((x) => x.kind === kind)!;
    return {
      type: 'case.sla_breached',
      data: {
        kind,
        dueAt: c.breachedAt,
        minutes: c.minutes,
        policyId: record.policyId,
        ...(supervisorIds.length ? { supervisorIds } : {}),
      },
    };
  });
  return { record, breaches: events };
}
