import { describe, expect, it } from 'vitest';
import { pickNext } from './routing.ts';
import type { Candidate } from './routing.ts';
import type { CaseType } from './types.ts';

/** mulberry32: a tiny seeded PRNG, so every run (and every failure) is reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Written here from SPEC §1 on purpose, not imported.
const RANK: Record<CaseType, number> = { web_connect: 1, support_sdk: 2, phone: 3, email: 4, sms: 5, platform: 6 };
const LABEL: Record<CaseType, string> = {
  web_connect: 'Web chat',
  support_sdk: 'In-app chat',
  phone: 'Phone',
  email: 'Email',
  sms: 'SMS',
  platform: 'Platform',
};
const TYPES = Object.keys(RANK) as CaseType[];

const formats = new Map<string, Intl.DateTimeFormat>();
const localDay = (t: Date, zone: string) => {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(zone, f);
  }
  return f.format(t);
};

/** SPEC §3.1 by brute force: "today" by comparing local calendar dates, then successive filters. */
function reference(cs: readonly Candidate[], zone: string, now: Date) {
  if (cs.length === 0) return null;
  const todays = cs.filter((c) => localDay(c.createdAt, zone) === localDay(now, zone));
  const createdToday = todays.length > 0;
  let pool = createdToday ? todays : [...cs];
  const bestRank = Math.min(...pool.map((c) => RANK[c.type]));
  pool = pool.filter((c) => RANK[c.type] === bestRank);
  const times = pool.map((c) => c.createdAt.getTime());
  const bestTime = createdToday ? Math.max(...times) : Math.min(...times);
  pool = pool.filter((c) => c.createdAt.getTime() === bestTime);
  const ids = pool.map((c) => c.id).sort();
  const id = createdToday ? ids[ids.length - 1] : ids[0];
  const reason = createdToday
    ? `${LABEL[pool[0]!.type]} · newest of ${todays.length} created today`
    : `${LABEL[pool[0]!.type]} · oldest of ${cs.length} waiting, none created today`;
  return { id, reason, createdToday };
}

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
  'Asia/Kathmandu',
];
// Days around which clocks change in these zones (2026), plus ordinary ones.
const AROUND = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-04',
  '2026-04-05',
  '2026-09-06',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-01-01',
  '2026-06-15',
  '2026-12-31',
].map((d) => Date.parse(`${d}T12:00:00Z`));
const HOUR = 3_600_000;

function scenario(rand: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const zone = pick(ZONES);
  const now = new Date(pick(AROUND) + Math.floor((rand() - 0.5) * 60 * HOUR));
  // Instants near local midnights (the boundary and 1 ms either side) are where bugs live.
  const midnights: number[] = [];
  for (let h = -72; h <= 24; h++) {
    const t = now.getTime() + h * HOUR;
    if (localDay(new Date(t), zone) !== localDay(new Date(t - HOUR), zone)) {
      let lo = t - HOUR;
      let hi = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (localDay(new Date(mid), zone) === localDay(new Date(t), zone)) hi = mid;
        else lo = mid;
      }
      midnights.push(hi);
    }
  }
  const n = Math.floor(rand() * 9);
  const ids = new Set<string>();
  const cs: Candidate[] = [];
  while (cs.length < n) {
    const id = Math.floor(rand() * 0xffff)
      .toString(16)
      .padStart(4, '0');
    if (ids.has(id)) continue;
    ids.add(id);
    const r = rand();
    let t: number;
    if (r < 0.25 && cs.length > 0)
      t = pick(cs).createdAt.getTime(); // a tie on createdAt
    else if (r < 0.55 && midnights.length > 0) t = pick(midnights) + pick([-1, 0, 1]);
    else t = now.getTime() - Math.floor(rand() * 72 * HOUR);
    cs.push({ id, type: pick(TYPES), createdAt: new Date(t) });
  }
  return { zone, now, cs };
}

describe('pickNext agrees with a brute-force reference on generated data', () => {
  it.each([1, 2, 3, 42, 20260310])('seed %s: 400 scenarios', (seed) => {
    const rand = prng(seed);
    let todayCount = 0;
    for (let i = 0; i < 400; i++) {
      const { zone, now, cs } = scenario(rand);
      const want = reference(cs, zone, now);
      const got = pickNext(cs, zone, now);
      const label = `seed ${seed} #${i} ${zone} now=${now.toISOString()} ${JSON.stringify(cs)}`;
      expect(got === null ? null : { id: got.case.id, reason: got.reason, createdToday: got.createdToday }, label).toEqual(want);
      if (want?.createdToday) todayCount++;
    }
    // The generator must exercise both rules, or the comparison proves little.
    expect(todayCount).toBeGreaterThan(50);
    expect(todayCount).toBeLessThan(350);
  });
});
