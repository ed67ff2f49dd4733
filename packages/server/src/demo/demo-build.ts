import type { Insertable } from 'kysely';
import { TYPE_RANK, initialStatus, isChatType, transition, type CaseFacts, type LifecycleEvent } from '@casework/domain';
import type { CaseEventTable, CaseTable, CollaboratorTable, MessageTable } from '../db/schema.ts';
import { uuidv7 } from '../ids.ts';
import { DEMO_ORG, supervisorOf, userByKey, type DemoCustomer, type TeamKey } from './demo-org.ts';
import { fill, firstMessage } from './demo-texts.ts';
import { stepsOf } from './demo-story.ts';
import type { CaseSpec } from './demo-plan.ts';
import type { Rng } from './demo-rng.ts';

export type BuiltCase = {
  row: Insertable<CaseTable>;
  messages: Insertable<MessageTable>[];
  events: Insertable<CaseEventTable>[];
  collaborators: Insertable<CollaboratorTable>[];
};

export type BuildContext = {
  rng: Rng;
  now: Date;
  userIds: Record<string, string>;
  teamIds: Record<string, string>;
  customers: (DemoCustomer & { id: string })[];
  reference(): string;
};

/** Writes a case's rows as its story unfolds; lifecycle changes go through the domain's `transition`. */
class CaseRecorder {
  facts: CaseFacts;
  rating: { stars: number; note: string | null } | null = null;
  spamAt: Date | null = null;
  lastActivity: Date;
  updated: Date;
  readonly out: Omit<BuiltCase, 'row'> = { messages: [], events: [], collaborators: [] };

  constructor(
    readonly spec: CaseSpec,
    facts: CaseFacts,
  ) {
    this.facts = facts;
    this.lastActivity = facts.createdAt;
    this.updated = facts.createdAt;
  }

  event(type: string, actor: string | null, data: Record<string, unknown>, at: Date): void {
    this.out.events.push({ case_id: this.facts.id, type, actor_id: actor, data: JSON.stringify(data), created_at: at });
    this.updated = at;
  }

  message(direction: 'inbound' | 'outbound' | 'note', body: string, author: string | null, at: Date): void {
    const id = uuidv7(at.getTime());
    this.out.messages.push({
      id,
      case_id: this.facts.id,
      body,
      internal: direction === 'note',
      direction,
      channel: direction === 'note' ? 'note' : this.spec.type,
      author_id: author,
      created_at: at,
    });
    this.event('case.message_created', author, { messageId: id, direction, internal: direction === 'note' }, at);
    this.lastActivity = at;
  }

  follow(userId: string, by: string, at: Date): void {
    this.facts = { ...this.facts, collaboratorIds: [...this.facts.collaboratorIds, userId] };
    this.out.collaborators.push({ case_id: this.facts.id, user_id: userId, created_at: at });
    this.event('case.collaborator_added', by, { userId }, at);
  }

  apply(e: LifecycleEvent, actor: string | null, at: Date): void {
    const o = transition(this.facts, e, at);
    if (!o.ok) throw new Error(`demo story broke a lifecycle rule (${this.facts.type} ${this.facts.status} + ${e.kind}): ${o.detail}`);
    this.facts = { ...this.facts, ...o.changes } as CaseFacts;
    if (o.changes.rating !== undefined) this.rating = o.changes.rating;
    if (o.changes.spamAt !== undefined) this.spamAt = o.changes.spamAt;
    for (const d of o.events) this.event(d.type, actor, d.data, at);
    this.lastActivity = at;
  }
}

/** Increasing instants from `start` to `end` (the last one exactly at `end`). */
function timesBetween(start: Date, end: Date, n: number, rng: Rng): Date[] {
  const fr = Array.from({ length: n }, () => 0.05 + 0.9 * rng.next()).sort((a, b) => a - b);
  if (n > 0) fr[n - 1] = 1;
  const span = end.getTime() - start.getTime();
  let last = start.getTime();
  return fr.map((f) => {
    last = Math.max(last + 1000, start.getTime() + Math.floor(span * f));
    return new Date(last);
  });
}

/** Can this user see a case of the team (and so follow it themselves)? */
function sees(key: string, team: TeamKey): boolean {
  const u = userByKey(key);
  return u.role === 'admin' || u.role === 'supervisor' || u.teams.includes(team);
}

/** The customer from the spec's starting point who fits the case: reachable on its channel, a business for Enterprise. */
function customerFor<C extends DemoCustomer>(spec: CaseSpec, customers: C[]): C {
  const fits = (c: C) =>
    (spec.team === 'enterprise') === (c.company !== null) &&
    (spec.type === 'phone' || spec.type === 'sms' ? c.phone !== null : c.email !== null);
  for (let i = 0; i < customers.length; i++) {
    const c = customers[(spec.customer + i) % customers.length]!;
    if (fits(c)) return c;
  }
  return customers[spec.customer]!;
}

/**
 * Plays a case's story through the domain's `transition`, so its final row and its history
 * (case_events) agree exactly with what the live product would have recorded.
 */
export function buildCase(spec: CaseSpec, ctx: BuildContext): BuiltCase {
  const { rng } = ctx;
  const uid = (key: string | null) => (key === null ? null : ctx.userIds[key]!);
  const customer = customerFor(spec, ctx.customers);
  const teamId = ctx.teamIds[spec.team]!;
  const ownerId = uid(spec.owner);
  const startOwner = spec.byOwner ? ownerId : null;
  const r = new CaseRecorder(spec, {
    id: uuidv7(spec.createdAt.getTime()),
    type: spec.type,
    status: initialStatus(startOwner),
    resolution: null,
    resolutionReason: null,
    teamId,
    ownerId: startOwner,
    collaboratorIds: [],
    createdAt: spec.createdAt,
    resolvedAt: null,
    wakeAt: null,
  });
  const orderNo = rng.int(100_000, 999_999);
  r.event(
    'case.created',
    startOwner,
    { type: spec.type, teamId, ownerId: startOwner, status: r.facts.status, channel: spec.type },
    spec.createdAt,
  );
  r.message('inbound', fill(firstMessage(spec.type, spec.topic, customer, rng), customer.name, orderNo), null, spec.createdAt);
  const steps = stepsOf(spec, customer.name, orderNo, rng);
  const times = timesBetween(spec.createdAt, spec.endAt, steps.length, rng);
  steps.forEach((s, i) => {
    const at = times[i]!;
    if (s.kind === 'follow') r.follow(uid(s.user)!, uid(sees(s.user, spec.team) ? s.user : supervisorOf(spec.team).key)!, at);
    else if (s.kind === 'message') r.message(s.direction, s.body, uid(s.author), at);
    else r.apply(s.event({ ownerId, teamId }), uid(s.actor), at);
  });
  // A resolved case quiet for the auto-close period has been closed by the timer since.
  const closeAt = new Date(r.lastActivity.getTime() + DEMO_ORG.autoCloseDays * 86_400_000);
  if (r.facts.status === 'resolved' && closeAt <= ctx.now) {
    r.apply({ kind: 'auto_close', autoCloseDays: DEMO_ORG.autoCloseDays, lastActivityAt: r.lastActivity }, null, closeAt);
  }
  const f = r.facts;
  return {
    ...r.out,
    row: {
      id: f.id,
      reference: ctx.reference(),
      subject: fill(spec.topic.subject, customer.name, orderNo),
      description: isChatType(spec.type) || spec.type === 'sms' ? null : fill(spec.topic.text, customer.name, orderNo),
      type: spec.type,
      type_rank: TYPE_RANK[spec.type],
      status: f.status,
      resolution: f.resolution,
      team_id: teamId,
      owner_id: f.ownerId,
      customer_id: customer.id,
      follow_up_of: null,
      rating_stars: r.rating?.stars ?? null,
      rating_note: r.rating?.note ?? null,
      satisfaction_stars: r.rating?.stars ?? null,
      satisfaction_comment: r.rating?.note ?? null,
      satisfaction_at: r.rating ? (f.resolvedAt ?? r.updated) : null,
      created_at: spec.createdAt,
      updated_at: r.updated,
      resolved_at: f.resolvedAt,
      wake_at: f.wakeAt,
      spam_at: r.spamAt,
      last_activity_at: r.lastActivity,
    },
  };
}
