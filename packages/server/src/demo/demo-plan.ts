import { dayBounds, isChatType, localParts, startOfLocalDay, type CaseType } from '@casework/domain';
import { DEMO_ORG, TEAMS, TEAM_KEYS, membersOf, supervisorOf, type TeamKey } from './demo-org.ts';
import { TOPICS, type Topic } from './demo-texts.ts';
import type { Rng } from './demo-rng.ts';

/** How a demo case's story ends (the build step plays it through the domain's transitions). */
export type Ending =
  | { status: 'new' }
  | { status: 'ready' }
  | { status: 'waiting'; wakeAt: Date | null }
  /** Resolved; if that was more than the auto-close period ago it has closed since. */
  | { status: 'resolved'; resolution: 'completed' | 'unresolved' }
  /** A chat the customer ended with a star rating. */
  | { status: 'rated'; stars: number }
  | { status: 'canceled'; claimedFirst: boolean }
  /** Marked as spam by the team's supervisor (SPEC §13). */
  | { status: 'spam' };

/** One case to build: who, what, when, and how it ends. Users are named by their demo key. */
export type CaseSpec = {
  team: TeamKey;
  type: CaseType;
  createdAt: Date;
  /** When the last step of the story happens (at or before now). */
  endAt: Date;
  owner: string | null;
  /** A supervisor assigned the case instead of the owner claiming it. */
  assignedBy: string | null;
  /** Logged by hand by its owner (starts ready, no claim). */
  byOwner: boolean;
  ending: Ending;
  followers: string[];
  customer: number;
  topic: Topic;
  /** Messages beyond the customer's first one (0–5). */
  extraMessages: number;
};

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Times relative to the demo's "now", in the organisation's zone. */
export type DemoTime = {
  now: Date;
  todayStart: Date;
  ago(ms: number): Date;
  today(frac: number): Date;
  onDay(daysAgo: number, frac: number): Date;
};

export function demoTime(now: Date): DemoTime {
  const zone = DEMO_ORG.timeZone;
  const todayStart = dayBounds(now, zone).start;
  const p = localParts(now, zone);
  // Today's cases stay ten minutes clear of now, so their stories (a few seconds at least) end in the past.
  const span = Math.max(0, now.getTime() - todayStart.getTime() - 10 * MIN);
  return {
    now,
    todayStart,
    ago: (ms) => new Date(now.getTime() - ms),
    today: (frac) => new Date(todayStart.getTime() + Math.floor(span * frac)),
    // A past local day, during business hours (07:30–19:30).
    onDay(daysAgo, frac) {
      const d = new Date(Date.UTC(p.year, p.month - 1, p.day - daysAgo));
      const start = startOfLocalDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), zone);
      return new Date(start.getTime() + 7.5 * HOUR + frac * 12 * HOUR);
    },
  };
}

function spanFor(type: CaseType, rng: Rng): number {
  if (isChatType(type)) return rng.int(4, 45) * MIN;
  if (type === 'phone') return rng.int(5, 240) * MIN;
  return rng.chance(0.6) ? rng.int(20, 360) * MIN : rng.int(6, 48) * HOUR;
}

/** The end of a story that starts at `createdAt`, never later than a minute before now. */
function endAfter(createdAt: Date, span: number, t: DemoTime, rng: Rng): Date {
  const latest = t.now.getTime() - MIN;
  const end = createdAt.getTime() + span;
  if (end <= latest) return new Date(end);
  return new Date(createdAt.getTime() + Math.max(1000, (latest - createdAt.getTime()) * (0.4 + 0.5 * rng.next())));
}

function ownerFor(team: TeamKey, rng: Rng): string {
  return rng.weighted(membersOf(team).map((u) => [u.key, u.load] as const));
}

function endingFor(daysAgo: number, type: CaseType, rng: Rng, t: DemoTime): Ending {
  const table: [Ending['status'], number][] =
    daysAgo === 0
      ? [
          ['new', 38],
          ['ready', 27],
          ['waiting', 11],
          ['resolved', 19],
          ['canceled', 5],
        ]
      : daysAgo <= 2
        ? [
            ['new', 10],
            ['ready', 22],
            ['waiting', 24],
            ['resolved', 37],
            ['canceled', 7],
          ]
        : daysAgo <= 9
          ? [
              ['new', 4],
              ['ready', 9],
              ['waiting', 14],
              ['resolved', 63],
              ['canceled', 10],
            ]
          : [
              ['new', 2],
              ['ready', 4],
              ['waiting', 5],
              ['resolved', 78],
              ['canceled', 11],
            ];
  let status = rng.weighted(table);
  // Chats are answered live: one from an earlier day is finished by now.
  if (isChatType(type) && daysAgo > 0 && (status === 'ready' || status === 'waiting')) status = 'resolved';
  switch (status) {
    case 'new':
      return { status };
    case 'ready':
      return { status };
    case 'waiting':
      return { status, wakeAt: wakeTime(daysAgo, rng, t) };
    case 'canceled':
      return { status, claimedFirst: rng.chance(0.4) };
    default:
      if (isChatType(type) && rng.chance(0.55))
        return {
          status: 'rated',
          stars: rng.weighted([
            [5, 55],
            [4, 25],
            [3, 10],
            [2, 5],
            [1, 5],
          ]),
        };
      return { status: 'resolved', resolution: rng.chance(0.88) ? 'completed' : 'unresolved' };
  }
}

/** Future wake times mostly; some passed a few hours ago (woken on start); some none. */
function wakeTime(daysAgo: number, rng: Rng, t: DemoTime): Date | null {
  const r = rng.next();
  if (r < 0.55) return new Date(Math.ceil((t.now.getTime() + rng.int(2 * 60, 72 * 60) * MIN) / (15 * MIN)) * 15 * MIN);
  if (r < 0.75 && daysAgo > 0) return t.ago(rng.int(15, 180) * MIN);
  return null;
}

/** A random case of the organisation's history: team, channel, day and story. */
export function randomSpec(rng: Rng, t: DemoTime, customers: number): CaseSpec {
  const team = rng.weighted(TEAM_KEYS.map((k) => [k, TEAMS[k].share] as const));
  const type = rng.weighted(TEAMS[team].types);
  const daysAgo = rng.chance(0.22) ? 0 : rng.weighted(Array.from({ length: 20 }, (_, i) => [i + 1, 1 / (1 + 0.15 * i)] as const));
  const createdAt = daysAgo === 0 ? t.today(0.02 + 0.96 * rng.next()) : t.onDay(daysAgo, rng.next());
  const ending = endingFor(daysAgo, type, rng, t);
  let endAt = endAfter(createdAt, spanFor(type, rng), t, rng);
  if (ending.status === 'waiting' && ending.wakeAt && ending.wakeAt < t.now) {
    endAt = new Date(Math.min(endAt.getTime(), ending.wakeAt.getTime() - 30 * MIN));
  }
  const owner = ending.status === 'new' || (ending.status === 'canceled' && !ending.claimedFirst) ? null : ownerFor(team, rng);
  const followers: string[] = [];
  if (rng.chance(0.12)) {
    const candidates = [...membersOf(team), supervisorOf(team)].map((u) => u.key).filter((k) => k !== owner);
    followers.push(rng.pick(candidates));
  }
  return {
    team,
    type,
    createdAt,
    endAt,
    owner,
    ending,
    followers,
    assignedBy: owner && rng.chance(0.15) ? supervisorOf(team).key : null,
    byOwner: owner !== null && type === 'platform' && rng.chance(0.5),
    customer: rng.int(0, customers - 1),
    topic: rng.pick(TOPICS[team]),
    extraMessages: ending.status === 'new' ? rng.int(0, 1) : rng.int(1, 5),
  };
}
