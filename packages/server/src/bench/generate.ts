import type { CaseType, Status } from '@casework/domain';
import type { ImportItem } from '../use-cases/import-validate.ts';
import type { Org } from './org.ts';
import { Rng } from './stats.ts';

const DAY = 86_400_000;
export const WORDS = [
  'printer',
  'invoice',
  'password',
  'refund',
  'delivery',
  'login',
  'crash',
  'upgrade',
  'shipping',
  'subscription',
  'warranty',
  'battery',
];
const PROBLEMS = ['problem with', 'question about', 'cannot find my', 'broken', 'urgent:', 'follow-up on', 'help with'];
const TYPES: [CaseType, number][] = [
  ['email', 40],
  ['web_connect', 15],
  ['phone', 15],
  ['support_sdk', 8],
  ['sms', 7],
  ['platform', 15],
];

/** Status mix by age: recent cases are still being worked, old ones are closed. */
function statusFor(ageDays: number, rng: Rng): Status {
  if (ageDays < 1)
    return rng.weighted([
      ['new', 30],
      ['ready', 30],
      ['waiting', 10],
      ['resolved', 25],
      ['canceled', 5],
    ] as const);
  if (ageDays < 3)
    return rng.weighted([
      ['new', 8],
      ['ready', 25],
      ['waiting', 15],
      ['resolved', 42],
      ['closed', 5],
      ['canceled', 5],
    ] as const);
  if (ageDays < 14)
    return rng.weighted([
      ['new', 2],
      ['ready', 10],
      ['waiting', 10],
      ['resolved', 50],
      ['closed', 23],
      ['canceled', 5],
    ] as const);
  return rng.weighted([
    ['ready', 1],
    ['waiting', 1],
    ['closed', 93],
    ['canceled', 5],
  ] as const);
}

export const subjectFor = (rng: Rng, i: number) => `${rng.pick(PROBLEMS)} ${rng.pick(WORDS)} (order ${100000 + ((i * 7919) % 900000)})`;

function customerFor(rng: Rng, poolSize: number): ImportItem['customer'] {
  const k = rng.int(poolSize);
  const kind = rng.int(10);
  if (kind === 0) return null;
  if (kind <= 2) return { phone: `+1555${String(k).padStart(7, '0')}`, name: `Caller ${k}` };
  return { email: `customer${k}@example.test`, name: `Customer ${k}` };
}

/**
 * One batch of the main history: cases spread over the last `spanDays`, oldest first (as a
 * migration exports them), with owners from the team's members, followers and customers.
 */
export function generateBatch(org: Org, rng: Rng, from: number, count: number, total: number, nowMs: number, spanDays = 365): ImportItem[] {
  const items: ImportItem[] = [];
  for (let i = from; i < from + count; i++) {
    const created = nowMs - spanDays * DAY * (1 - i / total) - rng.int(60_000);
    const ageDays = (nowMs - created) / DAY;
    const teamId = rng.pick(org.teams);
    const status = statusFor(ageDays, rng);
    const members = org.members.get(teamId)!;
    const owned = status !== 'new' && !(status !== 'closed' && rng.int(20) === 0);
    const item: ImportItem = {
      subject: subjectFor(rng, i),
      type: rng.weighted(TYPES),
      teamId,
      status,
      ownerId: owned ? org.agents[rng.pick(members)]!.id : null,
      createdAt: new Date(created).toISOString(),
      customer: customerFor(rng, Math.max(10, Math.floor(total / 3))),
    };
    if (status === 'resolved' || status === 'closed' || status === 'canceled') {
      const resolved = Math.min(nowMs - 1000, created + rng.int(Math.min(5 * DAY, Math.max(1, nowMs - created))));
      item.resolvedAt = new Date(resolved).toISOString();
      if (status !== 'canceled' && rng.int(10) === 0) item.resolution = 'unresolved';
    }
    if (status === 'waiting' && rng.int(2) === 0) item.wakeAt = new Date(nowMs + (1 + rng.int(72)) * 3_600_000).toISOString();
    if (rng.int(100) < 8)
      item.collaboratorIds = [
        org.agents[rng.int(org.agents.length)]!.id,
        ...(rng.int(3) === 0 ? [org.agents[rng.int(org.agents.length)]!.id] : []),
      ];
    items.push(item);
  }
  return items;
}

/** New, unowned cases on the given teams, created over the last hours (a morning's queue). */
export function generateQueue(rng: Rng, teams: string[], count: number, nowMs: number): ImportItem[] {
  return Array.from({ length: count }, (_, i) => ({
    subject: subjectFor(rng, i),
    type: rng.weighted(TYPES),
    teamId: teams[i % teams.length]!,
    status: 'new' as const,
    createdAt: new Date(nowMs - rng.int(6 * 3_600_000)).toISOString(),
    customer: customerFor(rng, 1000),
  }));
}
