import { sql, type Kysely } from 'kysely';
import {
  TYPE_RANK,
  initialStatus,
  mayCreateOnTeam,
  mayNameOwner,
  priorityRank,
  readNewCaseData,
  type CaseType,
  type FieldValues,
  type LastMessage,
} from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { findCaseView, type CaseView } from '../db/repos/case-views.ts';
import { findOrCreateCustomer, type CustomerInput } from '../db/repos/customers.ts';
import { PHONE_HINT, normalisePhone, phoneOrRaw } from '../phone.ts';
import { appendEvents, audienceOf, inTransaction } from '../outbox/outbox.ts';
import { newReference, uuidv7 } from '../ids.ts';
import { checkCapacity } from './case-write.ts';
import { lastMessageColumns } from './post-message.ts';
import { forbidden, invalid, type FieldError } from '../errors.ts';
import { linkCaseChannel } from '../db/repos/conversations.ts';
import { customerVisibleTo } from '../db/sql-rules.ts';
import { managedTags } from './edit-case.ts';
import { planFieldValues } from './case-field-values.ts';

/** A channel-scoped token creates only its channel's cases (its team, its type). */
function checkChannelScope(actor: AppUser, input: NewCase): void {
  const scope = actor.channelScope;
  if (!scope) return;
  if (input.teamId !== scope.teamId) throw forbidden('create', 'This token is scoped to a channel of another team.');
  if (input.type !== scope.type) throw invalid([{ field: 'type', message: `this token creates ${scope.type} cases only` }]);
}

/** Where replies to a case created through a channel go: the customer's address for that channel. */
function customerAddress(type: CaseType, customer: CustomerInput | null): string | null {
  if (type === 'email') return customer?.email ?? null;
  if (type === 'sms' || type === 'phone') return customer?.phone ?? null;
  return null;
}

export type NewCase = {
  subject: string;
  type: CaseType;
  teamId: string;
  ownerId: string | null;
  description: string | null;
  customer: CustomerInput | null;
  /** An existing customer the actor sees (the New case form's lookup), instead of `customer`. */
  customerId?: string | null;
  followUpOf?: string | null;
  /** One of the domain's priorities (default normal). */
  priority?: string | null;
  /** Tags, read as the edit reads them (with a managed list, only its tags). */
  tags?: readonly string[] | null;
  /** Custom field values, checked against the definitions that apply to the team. */
  fields?: Readonly<Record<string, unknown>> | null;
};

/** What a new case starts with besides its details: priority rank, tags and field values (checked). */
type CaseData = { priority: number; tags: string[]; fields: FieldValues };

/** The id of a customer the actor sees (held until commit, so a merge waits), or a 400 naming customerId. */
async function existingCustomer(trx: Kysely<Database>, actor: AppUser, id: string): Promise<string> {
  const r = await sql<{ id: string }>`SELECT cu.id::text AS id FROM customers cu
    WHERE cu.id = ${id}::uuid AND cu.merged_into IS NULL AND ${customerVisibleTo(actor)} FOR SHARE OF cu`.execute(trx);
  if (!r.rows[0]) throw invalid([{ field: 'customerId', message: 'no such customer' }]);
  return r.rows[0].id;
}

/**
 * The new case's priority, tags and field values, checked by the domain's rules (the same the
 * edit and the import use); every bad one named together (400). Without any, the defaults.
 */
async function caseData(trx: Kysely<Database>, input: NewCase): Promise<CaseData> {
  const wantsTags = Boolean(input.tags?.length);
  const read = readNewCaseData(input, wantsTags ? await managedTags(trx) : null);
  const problems: FieldError[] = read.ok ? [] : [...read.problems];
  let fields: FieldValues = {};
  if (input.fields && Object.keys(input.fields).length) {
    const plan = await planFieldValues(trx, { teamId: input.teamId, fields: {} }, input.fields);
    if (plan.ok) fields = plan.values;
    else problems.push(...plan.problems);
  }
  if (!read.ok || problems.length) throw invalid(problems);
  return { priority: priorityRank(read.priority), tags: read.tags, fields };
}

/** What `case.created` records of the data given (only what differs from a plain new case). */
function createdData(input: NewCase, data: CaseData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.priority) out.priority = input.priority;
  if (data.tags.length) out.tags = data.tags;
  if (Object.keys(data.fields).length) out.fields = data.fields;
  return out;
}

/** Inserts a case row with a fresh reference (retrying the rare collision). */
export async function insertCase(
  trx: Kysely<Database>,
  input: NewCase & { customerId: string | null },
  now: Date,
  data?: CaseData,
  /** The card's last message, when the case is opened by one (an inbound message). */
  last?: LastMessage | null,
): Promise<string> {
  const id = uuidv7(now.getTime());
  // One statement: a reference already taken inserts nothing, and another is drawn.
  for (let i = 0; ; i++) {
    const inserted = await trx
      .insertInto('cases')
      .values({
        id,
        reference: newReference(),
        subject: input.subject,
        description: input.description,
        type: input.type,
        type_rank: TYPE_RANK[input.type],
        status: initialStatus(input.ownerId),
        resolution: null,
        team_id: input.teamId,
        owner_id: input.ownerId,
        customer_id: input.customerId,
        follow_up_of: input.followUpOf ?? null,
        created_at: now,
        updated_at: now,
        last_activity_at: now,
        ...(data ? { priority: data.priority, tags: data.tags, fields: JSON.stringify(data.fields) } : {}),
        ...lastMessageColumns(last ?? null),
      })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return id;
    if (i >= 5) throw new Error('no free case reference');
  }
}

/**
 * The new case's customer with their phone in E.164 (phone.ts). A number a user typed that is not
 * an international one is a 400 naming `customer.phone`; one a channel passes on for its customer
 * is kept as given (a customer's case is never refused over their number).
 */
function customerWithPhone<C extends CustomerInput | null | undefined>(actor: AppUser, customer: C): C {
  if (!customer?.phone?.trim()) return customer;
  if (actor.channelScope) return { ...customer, phone: phoneOrRaw(customer.phone) };
  const phone = normalisePhone(customer.phone);
  if (!phone) throw invalid([{ field: 'customer.phone', message: PHONE_HINT }]);
  return { ...customer, phone };
}

/**
 * Creates a case (by hand or through the API). Who may create on which team and name which
 * owner is the domain's `mayCreateOnTeam` / `mayNameOwner`.
 */
export async function createCase(
  deps: Deps,
  actor: AppUser,
  input: NewCase,
  channel = 'platform',
  /** More to write in the same transaction once the case exists (an outbound email conversation's first mail). */
  within?: (trx: Kysely<Database>, caseId: string, now: Date) => Promise<void>,
): Promise<CaseView> {
  if (!actor.permissions.has('case.create')) throw forbidden('create');
  if (!mayCreateOnTeam(actor, input.teamId)) throw forbidden('create', 'You can only create cases on your own teams.');
  if (!mayNameOwner(actor, input.ownerId)) throw forbidden('assign', 'You can only name yourself as the owner of a case you create.');
  checkChannelScope(actor, input);
  input = { ...input, customer: customerWithPhone(actor, input.customer) };
  const now = deps.clock.now();
  const id = await inTransaction(deps, async (trx) => {
    const team = await trx.selectFrom('teams').select('id').where('id', '=', input.teamId).executeTakeFirst();
    if (!team) throw invalid([{ field: 'teamId', message: 'no such team' }]);
    const data = await caseData(trx, input);
    if (input.ownerId) {
      const m = await trx
        .selectFrom('team_members as tm')
        .innerJoin('users as u', 'u.id', 'tm.user_id')
        .select('u.id')
        .where('tm.team_id', '=', input.teamId)
        .where('tm.user_id', '=', input.ownerId)
        .where('u.active', '=', true)
        .executeTakeFirst();
      if (!m) throw invalid([{ field: 'ownerId', message: 'the owner must be an active member of the team' }]);
      await checkCapacity(trx, input.ownerId);
    }
    const customerId = input.customerId
      ? await existingCustomer(trx, actor, input.customerId)
      : input.customer
        ? await findOrCreateCustomer(trx, input.customer, now)
        : null;
    const caseId = await insertCase(trx, { ...input, customerId }, now, data);
    const scope = actor.channelScope;
    if (scope) await linkCaseChannel(trx, caseId, scope.channelId, customerAddress(scope.type, input.customer), now);
    const state = { teamId: input.teamId, ownerId: input.ownerId, collaboratorIds: [] };
    await appendEvents(trx, {
      caseId,
      actorId: actor.id,
      at: now,
      audience: audienceOf(state),
      events: [
        {
          type: 'case.created',
          data: {
            type: input.type,
            teamId: input.teamId,
            ownerId: input.ownerId,
            status: initialStatus(input.ownerId),
            channel,
            ...createdData(input, data),
          },
        },
      ],
    });
    if (within) await within(trx, caseId, now);
    return caseId;
  });
  return (await findCaseView(deps.db.kysely, id))!;
}
