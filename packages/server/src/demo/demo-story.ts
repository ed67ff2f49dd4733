import { isChatType, type LifecycleEvent } from '@casework/domain';
import { supervisorOf } from './demo-org.ts';
import {
  CANCEL_NOTES,
  CUSTOMER_FOLLOW_UPS,
  FIRST_REPLIES,
  MIDDLE_REPLIES,
  NOTES,
  RATING_NOTES,
  SIGN_OFFS,
  WAITING_ASKS,
  fill,
} from './demo-texts.ts';
import type { CaseSpec } from './demo-plan.ts';
import type { Rng } from './demo-rng.ts';

/** One thing that happens to a case after it was created. Users are demo keys. */
export type Step =
  | { kind: 'message'; direction: 'inbound' | 'outbound' | 'note'; body: string; author: string | null }
  | { kind: 'follow'; user: string }
  | { kind: 'lifecycle'; event: (ids: { ownerId: string | null; teamId: string }) => LifecycleEvent; actor: string | null };

type Voice = {
  inbound(): Step;
  outbound(pool: readonly string[]): Step;
  note(author: string, pool: readonly string[]): Step;
  /** The topic's own answer and a sign-off. */
  solved(): Step;
};

function voices(spec: CaseSpec, customerName: string, orderNo: number, rng: Rng): Voice {
  const say = (pool: readonly string[]) => fill(rng.pick(pool), customerName, orderNo);
  const msg = (direction: 'inbound' | 'outbound' | 'note', body: string, author: string | null): Step => ({
    kind: 'message',
    direction,
    body,
    author,
  });
  return {
    inbound: () => msg('inbound', say(CUSTOMER_FOLLOW_UPS), null),
    outbound: (pool) => msg('outbound', say(pool), spec.owner),
    note: (author, pool) => msg('note', say(pool), author),
    solved: () => msg('outbound', `${fill(spec.topic.reply, customerName, orderNo)} ${say(SIGN_OFFS)}`, spec.owner),
  };
}

const claimed = (spec: CaseSpec) => spec.owner !== null && !(spec.ending.status === 'canceled' && !spec.ending.claimedFirst);

/** Taking the case (claimed, or assigned by a supervisor) and people starting to follow it. */
function ownership(spec: CaseSpec): Step[] {
  const steps: Step[] = [];
  if (claimed(spec) && !spec.byOwner) {
    steps.push(
      spec.assignedBy
        ? {
            kind: 'lifecycle',
            event: ({ ownerId, teamId }) => ({ kind: 'assign', teamId, ownerId, ownerIsMember: true }),
            actor: spec.assignedBy,
          }
        : { kind: 'lifecycle', event: ({ ownerId }) => ({ kind: 'claim', actorId: ownerId! }), actor: spec.owner },
    );
  }
  for (const user of spec.followers) steps.push({ kind: 'follow', user });
  return steps;
}

/** The owner's first answer and the back and forth after it, leaving room for the closing message. */
function conversation(spec: CaseSpec, v: Voice, rng: Rng): Step[] {
  const closing = spec.ending.status === 'ready' ? 0 : 1; // the waiting ask, the solution or the cancel note
  const steps = [v.outbound(FIRST_REPLIES)];
  for (let i = 0; i < spec.extraMessages - 1 - closing; i++) {
    if (rng.chance(0.25)) steps.push(v.note(spec.owner!, NOTES));
    else steps.push(i % 2 === 0 ? v.inbound() : v.outbound(MIDDLE_REPLIES));
  }
  return steps;
}

/** How the story ends: set waiting, solved, ended by the customer (maybe rated), canceled, or marked as spam. */
function ending(spec: CaseSpec, v: Voice, rng: Rng): Step[] {
  const e = spec.ending;
  const life = (actor: string | null, event: LifecycleEvent): Step => ({ kind: 'lifecycle', actor, event: () => event });
  switch (e.status) {
    case 'new':
    case 'ready':
      return [];
    case 'waiting':
      return [v.outbound(WAITING_ASKS), life(spec.owner, { kind: 'set_waiting', wakeAt: e.wakeAt })];
    // Chats end after the agent's solution (v.solved), so an agent has always replied.
    case 'resolved':
      return [
        v.solved(),
        isChatType(spec.type) && e.resolution === 'completed'
          ? life(null, { kind: 'customer_ended_chat', agentReplied: true, rating: null })
          : life(spec.owner, { kind: 'resolve', resolution: e.resolution }),
      ];
    case 'rated':
      return [
        v.solved(),
        life(null, { kind: 'customer_ended_chat', agentReplied: true, rating: { stars: e.stars, note: rng.pick(RATING_NOTES) } }),
      ];
    case 'canceled': {
      const sup = supervisorOf(spec.team).key;
      return [v.note(sup, CANCEL_NOTES), life(sup, { kind: 'resolve', resolution: 'canceled' })];
    }
    case 'spam':
      return [life(supervisorOf(spec.team).key, { kind: 'mark_spam' })];
  }
}

/** The story of a case after its creation, in order. */
export function stepsOf(spec: CaseSpec, customerName: string, orderNo: number, rng: Rng): Step[] {
  const v = voices(spec, customerName, orderNo, rng);
  const talk = claimed(spec) ? conversation(spec, v, rng) : spec.extraMessages > 0 ? [v.inbound()] : [];
  return [...ownership(spec), ...talk, ...ending(spec, v, rng)];
}
