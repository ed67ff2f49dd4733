import type { CaseType, Priority, Status } from '@casework/domain';
import type { ImportItem } from '../use-cases/import-validate.ts';
import type { Org } from './org.ts';
import type { Rng } from './stats.ts';

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
/**
 * Words of the conversations: a few hundred ordinary ones (each in ~4 % of cases), so searching
 * message text has common, middling and rare words to look for, as a real history does.
 */
export const MESSAGE_WORDS = (() => {
  const stems = ['cart', 'ship', 'pay', 'track', 'pack', 'print', 'scan', 'sync', 'mail', 'port', 'plan', 'bill', 'ton', 'lock', 'mount'];
  const ends = ['er', 'ing', 'ment', 'able', 'ridge', 'ure', 'ion', 'ery', 'ance', 'ity', 'ward', 'ness', 'ous', 'ist', 'ade'];
  const base = ['screen', 'cable', 'charger', 'receipt', 'voucher', 'courier', 'parcel', 'firmware', 'adapter', 'toner', 'keyboard'];
  return [...base, ...stems.flatMap((a) => ends.map((b) => a + b))];
})();
const OPENERS = ['Hi, my', 'Hello, the', 'Good morning, our', 'Hey, since Monday the', 'Dear support, my'];
const REPLIES = ['Thanks for the details about the', 'Sorry to hear that the', 'We have replaced the', 'Please try resetting the'];
const NOTES = ['Checked with the warehouse about the', 'Escalated: known issue with the', 'Customer called again about the'];

/** A message's text: an opener, words of the vocabulary, and on inbound messages a tracking code (a rare word). */
function bodyFor(rng: Rng, direction: 'inbound' | 'outbound' | 'note', subjectWord: string): string {
  const w = () => rng.pick(MESSAGE_WORDS);
  if (direction === 'inbound')
    return `${rng.pick(OPENERS)} ${subjectWord} ${rng.pick(PROBLEMS)} the ${w()} and the ${w()}. Tracking TRK${100000 + rng.int(900000)}. Can you help?`;
  if (direction === 'outbound') return `${rng.pick(REPLIES)} ${w()}. It should work again once the ${w()} is updated.`;
  return `${rng.pick(NOTES)} ${w()} (${subjectWord}).`;
}

/** About `perCase` messages on average (0 to 2 × perCase), alternating customer and replies, a note now and then. */
function conversationFor(rng: Rng, perCase: number, createdMs: number, nowMs: number, ownerId: string | null, subjectWord: string) {
  const n = perCase > 0 ? rng.int(2 * perCase + 1) : 0;
  const messages: NonNullable<ImportItem['messages']> = [];
  for (let k = 0; k < n; k++) {
    const direction = k % 2 === 0 ? 'inbound' : rng.int(4) === 0 ? 'note' : 'outbound';
    messages.push({
      direction,
      body: bodyFor(rng, direction, subjectWord),
      authorId: direction === 'inbound' ? null : ownerId,
      createdAt: new Date(Math.min(nowMs - 1000, createdMs + k * 7 * 60_000)).toISOString(),
    });
  }
  return messages;
}

/** Tags of the history: 40 labels, the first ones far commoner than the last (as real tag use is skewed). */
export const TAGS = [
  'billing',
  'vip',
  'bug',
  'refund',
  'shipping',
  'feature-request',
  'enterprise',
  'churn-risk',
  'escalated',
  'hardware',
  'mobile',
  'web',
  'api',
  'onboarding',
  'security',
  'outage',
  'invoice',
  'returns',
  'warranty',
  'feedback',
  'follow-up',
  'legal',
  'partner',
  'trial',
  'upgrade',
  'downgrade',
  'cancelation',
  'password',
  'sso',
  'integration',
  'export',
  'import',
  'reporting',
  'accessibility',
  'localisation',
  'performance',
  'privacy',
  'gdpr',
  'beta',
  'press',
];
const TAG_WEIGHTS = TAGS.map((t, i) => [t, Math.round(400 / (i + 1))] as const);
const PRIORITY_MIX: [Priority, number][] = [
  ['low', 20],
  ['normal', 60],
  ['high', 15],
  ['urgent', 5],
];

/** The custom fields the benchmark's organisation defines (five, of several types). */
export const FIELD_DEFINITIONS = [
  { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'team', 'business', 'enterprise'] },
  { key: 'region', label: 'Region', type: 'select', options: ['emea', 'amer', 'apac'] },
  { key: 'seats', label: 'Seats', type: 'number' },
  { key: 'vip', label: 'VIP', type: 'checkbox' },
  { key: 'renewal', label: 'Renewal', type: 'date' },
] as const;

/** A case's priority, 0–5 tags and field values. */
function caseData(rng: Rng, nowMs: number): Pick<ImportItem, 'priority' | 'tags' | 'fields'> {
  const tags = new Set<string>();
  const n = rng.int(6);
  while (tags.size < n) tags.add(rng.weighted(TAG_WEIGHTS));
  const fields: Record<string, unknown> = {
    plan: rng.weighted([
      ['free', 40],
      ['team', 30],
      ['business', 20],
      ['enterprise', 10],
    ] as const),
  };
  if (rng.int(10) < 7) fields.region = rng.pick(['emea', 'amer', 'apac']);
  if (rng.int(2) === 0) fields.seats = 1 + rng.int(500);
  if (rng.int(20) === 0) fields.vip = true;
  if (rng.int(5) === 0) fields.renewal = new Date(nowMs + rng.int(365) * DAY).toISOString().slice(0, 10);
  return { priority: rng.weighted(PRIORITY_MIX), ...(tags.size ? { tags: [...tags] } : {}), fields };
}

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

const subjectFor = (rng: Rng, i: number, word = rng.pick(WORDS)) =>
  `${rng.pick(PROBLEMS)} ${word} (order ${100000 + ((i * 7919) % 900000)})`;

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
export function generateBatch(
  org: Org,
  rng: Rng,
  from: number,
  count: number,
  total: number,
  nowMs: number,
  messagesPerCase = 0,
  spanDays = 365,
): ImportItem[] {
  const items: ImportItem[] = [];
  for (let i = from; i < from + count; i++) {
    const created = nowMs - spanDays * DAY * (1 - i / total) - rng.int(60_000);
    const ageDays = (nowMs - created) / DAY;
    const teamId = rng.pick(org.teams);
    const status = statusFor(ageDays, rng);
    const members = org.members.get(teamId)!;
    const owned = status !== 'new' && !(status !== 'closed' && rng.int(20) === 0);
    const word = rng.pick(WORDS);
    const ownerId = owned ? org.agents[rng.pick(members)]!.id : null;
    const item: ImportItem = {
      subject: subjectFor(rng, i, word),
      type: rng.weighted(TYPES),
      teamId,
      status,
      ownerId,
      createdAt: new Date(created).toISOString(),
      customer: customerFor(rng, Math.max(10, Math.floor(total / 3))),
      ...caseData(rng, nowMs),
    };
    const messages = conversationFor(rng, messagesPerCase, created, nowMs, ownerId, word);
    if (messages.length) item.messages = messages;
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
