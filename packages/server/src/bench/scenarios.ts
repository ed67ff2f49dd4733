import type http from 'node:http';
import type { ImportItem } from '../use-cases/import-validate.ts';
import { request } from './http.ts';
import type { Org } from './org.ts';
import { latency, lanes, Rng, type Latency } from './stats.ts';
import { WORDS } from './generate.ts';

export type Target = { base: string; agent: http.Agent };

/** Posts items to the import endpoint in requests of `size`, `parallel` at a time; returns the ids in order. */
export async function importAll(t: Target, token: string, batches: AsyncIterable<ImportItem[]> | Iterable<ImportItem[]>, parallel: number): Promise<string[]> {
  const ids: string[][] = [];
  const inflight = new Set<Promise<void>>();
  let n = 0;
  for await (const batch of batches) {
    const slot = n++;
    const p = request(t.agent, t.base, 'POST', '/api/v1/import/cases', token, { cases: batch }).then((r) => {
      if (r.status !== 201) throw new Error(`import answered ${r.status}: ${r.body.slice(0, 500)}`);
      ids[slot] = (JSON.parse(r.body) as { ids: string[] }).ids;
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    if (inflight.size >= parallel) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return ids.flat();
}

type Timed = { latency: Latency; errors: number; statuses: Record<string, number> };

/** Runs requests on `clients` lanes for `seconds` (at most `cap` requests) and summarises their latency. */
async function timed(seconds: number, clients: number, cap: number, one: (rng: Rng) => Promise<{ status: number; ms: number }>, seed: number): Promise<Timed> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  await lanes(clients, Date.now() + seconds * 1000, async (lane) => {
    if (sent++ >= cap) return false;
    const r = await one(new Rng(seed * 7919 + sent * 31 + lane));
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status === 200) samples.push(r.ms);
    return true;
  });
  const errors = Object.entries(statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0);
  return { latency: latency(samples), errors, statuses };
}

/** GET /api/v1/me/work for random agents. */
export function measureMyWork(t: Target, org: Org, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(seconds, clients, cap, (rng) => request(t.agent, t.base, 'GET', '/api/v1/me/work', rng.pick(org.agents).token), 1);
}

export type ListProbe = { references: string[] };

/** The Cases list as agents use it: queue of a team, mine, open statuses, by type, following, sorted by update. */
export function measureList(t: Target, org: Org, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(seconds, clients, cap, (rng) => {
    const a = rng.pick(org.agents);
    const team = rng.pick(a.teamIds);
    const q = rng.pick([
      `status=new&teamId=${team}`, 'ownerId=me', 'ownerId=me&status=ready,waiting', `teamId=${team}&sort=updated`,
      'status=new,ready,waiting&type=email', 'following=true', `teamId=${team}&ownerId=none&status=new,ready`, '',
    ]);
    return request(t.agent, t.base, 'GET', `/api/v1/cases?${q}&limit=25`, a.token);
  }, 2);
}

/** Text search over subject, reference and customer, by agents (their visibility) and an admin (everything). */
export function measureSearch(t: Target, org: Org, probe: ListProbe, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(seconds, clients, cap, (rng) => {
    const admin = rng.int(4) === 0;
    const token = admin ? org.adminToken : rng.pick(org.agents).token;
    const q = rng.weighted([
      [rng.pick(WORDS), 4], [String(100000 + rng.int(900000)), 2], [`customer${rng.int(1000)}@`, 2],
      [probe.references.length ? rng.pick(probe.references) : 'ZZZZZZ', 2],
    ] as const);
    return request(t.agent, t.base, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}&limit=25`, token);
  }, 3);
}
