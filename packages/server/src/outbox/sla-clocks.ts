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
  type SlaKind,
  type SlaRecord,
  type Status,
} from '@casework/domain';
import type { Database } from '../db/schema.ts';
import { readManySlaFacts, teamsSupervisors, writeSlaMany, type SlaCaseFacts } from '../db/repos/sla.ts';

/** What keeping one case's clocks decided: its record (null: no policy matches), whether to write it, and the targets that breached. */
type Kept = { record: SlaRecord | null; write: boolean; status: Status; breached: SlaKind[]; ownerId: string | null; teamId: string };

/**
 * The domain's decision for a case's clocks from its facts (matchPolicy and reconcileSla): the
 * record is written only when it, or the outcomes lists report, changed.
 */
function decide(f: SlaCaseFacts | null | undefined, at: Date): Kept | null {
  if (!f || (f.policies.length === 0 && !f.sla)) return null;
  const status = f.status as Status;
  const facts: SlaFacts = {
    status,
    createdAt: f.createdAt,
    firstResponseAt: f.firstResponseAt,
    // the customer wrote after the first answer and has had no answer since: the next-response clock
    awaitingReplySince:
      f.firstResponseAt && f.lastMessageFromCustomer && f.lastMessageAt && f.lastMessageAt > f.firstResponseAt ? f.lastMessageAt : null,
    solved: f.solved,
  };
  const policy = matchPolicy(f.policies, {
    priority: priorityOfRank(f.priority) ?? DEFAULT_PRIORITY,
    type: f.type as CaseType,
    teamId: f.teamId,
    tags: f.tags,
  });
  const { record, breaches } = reconcileSla(f.sla, facts, policy, policy?.calendar ?? null, at);
  // A finished or reopened case changes its reported outcomes even when its clocks stay as they were (paused while waiting).
  const cols = slaColumns(record, status);
  const write =
    JSON.stringify(record) !== JSON.stringify(f.sla) ||
    cols.firstResponseOutcome !== f.storedOutcomes[0] ||
    cols.resolutionOutcome !== f.storedOutcomes[1];
  return { record, write, status, breached: record ? breaches : [], ownerId: f.ownerId, teamId: f.teamId };
}

/** The `case.sla_breached` events of a decision; an unowned case's events name its team's supervisors (SPEC §12). */
function breachEvents(kept: Kept, supervisorIds: readonly string[]): DomainEvent[] {
  const record = kept.record!;
  return kept.breached.map((kind) => {
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
}

/**
 * Cases' SLA clocks kept up to date (SPEC §12), in the transaction that changed or locked them,
 * set-wise: their facts with every policy in one statement (`read`: already read, e.g. by the
 * statement that appended a change's events), the domain's matchPolicy and reconcileSla decide
 * each case, the records that changed are written in one statement and the supervisors of the
 * unowned breached cases' teams read in one. Returns, by case id, the record (null: no policy
 * matches) and the `case.sla_breached` events to record for the targets that breached and were not
 * yet recorded (each once: the record keeps its `breachedAt`); cases with nothing to keep are absent.
 */
export async function keepSlaClocks(
  trx: Kysely<Database>,
  caseIds: readonly string[],
  at: Date,
  read?: ReadonlyMap<string, SlaCaseFacts | null>,
): Promise<Map<string, { record: SlaRecord | null; breaches: DomainEvent[] }>> {
  const facts = read ?? (await readManySlaFacts(trx, caseIds));
  const decided = new Map<string, Kept>();
  for (const id of caseIds) {
    const kept = decide(facts.get(id), at);
    if (kept) decided.set(id, kept);
  }
  await writeSlaMany(
    trx,
    [...decided].filter(([, k]) => k.write).map(([caseId, k]) => ({ caseId, record: k.record, status: k.status })),
  );
  const unowned = [...decided.values()].filter((k) => k.breached.length && !k.ownerId).map((k) => k.teamId);
  const supervisors = await teamsSupervisors(trx, unowned);
  const out = new Map<string, { record: SlaRecord | null; breaches: DomainEvent[] }>();
  for (const [id, k] of decided)
    out.set(id, {
      record: k.record,
      breaches: k.breached.length ? breachEvents(k, k.ownerId ? [] : (supervisors.get(k.teamId) ?? [])) : [],
    });
  return out;
}
