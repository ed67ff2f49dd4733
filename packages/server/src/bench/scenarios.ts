import type http from 'node:http';
import type { ImportItem } from '../use-cases/import-validate.ts';
import { request } from './http.ts';
import type { Org } from './org.ts';
import { latency, lanes, Rng, type Latency } from './stats.ts';
import { MESSAGE_WORDS, TAGS, WORDS } from './generate.ts';

export type Target = { base: string; agent: http.Agent; pid?: number };

/** Posts items to the import endpoint in requests of `size`, `parallel` at a time; returns the ids in order. */
export async function importAll(
  t: Target,
  token: string,
  batches: AsyncIterable<ImportItem[]> | Iterable<ImportItem[]>,
  parallel: number,
): Promise<string[]> {
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

/** A phase's latency, errors and answers by status, and the latency of each of its scenarios. */
export type Timed = { latency: Latency; errors: number; statuses: Record<string, number>; scenarios: Record<string, Latency> };
type Sent = { status: number; ms: number; scenario?: string };

/** Runs requests on `clients` lanes for `seconds` (at most `cap` requests) and summarises their latency. */
export async function timed(seconds: number, clients: number, cap: number, one: (rng: Rng) => Promise<Sent>, seed: number): Promise<Timed> {
  const samples: number[] = [];
  const byScenario = new Map<string, number[]>();
  const statuses: Record<string, number> = {};
  let sent = 0;
  await lanes(clients, Date.now() + seconds * 1000, async (lane) => {
    if (sent++ >= cap) return false;
    const r = await one(new Rng(seed * 7919 + sent * 31 + lane));
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status === 200) {
      samples.push(r.ms);
      if (r.scenario !== undefined) {
        if (!byScenario.has(r.scenario)) byScenario.set(r.scenario, []);
        byScenario.get(r.scenario)!.push(r.ms);
      }
    }
    return true;
  });
  const errors = Object.entries(statuses)
    .filter(([s]) => s !== '200')
    .reduce((a, [, n]) => a + n, 0);
  const scenarios = Object.fromEntries([...byScenario].map(([k, v]) => [k, latency(v)]));
  return { latency: latency(samples), errors, statuses, scenarios };
}

const labelled =
  (scenario: string) =>
  (r: { status: number; ms: number }): Sent => ({ status: r.status, ms: r.ms, scenario });

/** GET /api/v1/me/work for random agents. */
export function measureMyWork(t: Target, org: Org, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(seconds, clients, cap, (rng) => request(t.agent, t.base, 'GET', '/api/v1/me/work', rng.pick(org.agents).token), 1);
}

export type ListProbe = { references: string[] };

const LIST_FILTERS = [
  'status=new&teamId={team}',
  'ownerId=me',
  'ownerId=me&status=ready,waiting',
  'teamId={team}&sort=updated',
  'status=new,ready,waiting&type=email',
  'following=true',
  'teamId={team}&ownerId=none&status=new,ready',
  '',
  'tag={tag}&priority=high,urgent&field.plan=enterprise',
  'tag={tag}',
  'sort=priority&status=new,ready,waiting',
];

/**
 * The Cases list as agents use it: queue of a team, mine, open statuses, by type, following, sorted by
 * update; a tag (one of the ten commonest) with priority and a custom field, a tag alone, open cases by priority.
 */
export function measureList(t: Target, org: Org, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(
    seconds,
    clients,
    cap,
    (rng) => {
      const a = rng.pick(org.agents);
      const team = rng.pick(a.teamIds);
      // The scenario's name is its query with the team written as {team}.
      const q = rng.pick(LIST_FILTERS);
      const tag = TAGS[rng.int(10)]!;
      return request(t.agent, t.base, 'GET', `/api/v1/cases?${q.replace('{team}', team).replace('{tag}', tag)}&limit=25`, a.token).then(
        labelled(q || '(everything visible)'),
      );
    },
    2,
  );
}

/**
 * Search by agents (their visibility) and an admin (everything): words of subjects, words of the
 * conversations (middling ones in ~4 % of cases, a tracking code in almost none, two words at
 * once), order numbers, email fragments, references.
 */
export function measureSearch(t: Target, org: Org, probe: ListProbe, seconds: number, clients: number, cap: number): Promise<Timed> {
  return timed(
    seconds,
    clients,
    cap,
    (rng) => {
      const admin = rng.int(4) === 0;
      const token = admin ? org.adminToken : rng.pick(org.agents).token;
      const [kind, q] = rng.weighted([
        [['word', rng.pick(WORDS)], 3],
        [['message word', rng.pick(MESSAGE_WORDS)], 3],
        [['message code', `TRK${100000 + rng.int(900000)}`], 2],
        [['two words', `${rng.pick(WORDS)} ${rng.pick(MESSAGE_WORDS)}`], 2],
        [['order number', String(100000 + rng.int(900000))], 1],
        [['email fragment', `customer${rng.int(1000)}@`], 1],
        [['reference', probe.references.length ? rng.pick(probe.references) : 'ZZZZZZ'], 1],
      ] as const);
      return request(t.agent, t.base, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}&limit=25`, token).then(
        labelled(`${admin ? 'admin' : 'agent'}: ${kind}`),
      );
    },
    3,
  );
}
