import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { request } from './http.ts';
import type { Org } from './org.ts';
import type { Target } from './scenarios.ts';
import { lanes, Rng } from './stats.ts';
import type { CpuSplit } from './server.ts';

export type ClaimNextResult = {
  claims: number;
  perSecond: number;
  seconds: number;
  emptyQueue: number;
  fivexx: number;
  otherErrors: number;
  duplicateAnswers: number;
  /** CPU time per successful claim, in ms: serving process (HTTP, auth, database client, JSON), PostgreSQL's processes, load generator. */
  cpuMsPerClaim?: CpuSplit;
};
/** Every claim the benchmark saw succeed: case → agent who got the 200. */
export type ClaimLedger = Map<string, string>;

/** Distinct agents for the claim phases. */
export function pickClaimers(org: Org, n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(n, org.agents.length)) chosen.add(rng.int(org.agents.length));
  return [...chosen];
}

/**
 * `claimers` agents call POST /me/work/claim-next in a loop (one request in flight each)
 * for `seconds` or until their queues are empty. Throughput counts successful claims.
 */
export async function measureClaimNext(
  t: Target,
  org: Org,
  claimers: number[],
  seconds: number,
  ledger: ClaimLedger,
): Promise<ClaimNextResult> {
  const r: ClaimNextResult = { claims: 0, perSecond: 0, seconds: 0, emptyQueue: 0, fivexx: 0, otherErrors: 0, duplicateAnswers: 0 };
  const start = Date.now();
  await lanes(claimers.length, start + seconds * 1000, async (lane) => {
    const a = org.agents[claimers[lane]!]!;
    const res = await request(t.agent, t.base, 'POST', '/api/v1/me/work/claim-next', a.token);
    if (res.status === 200) {
      const id = (JSON.parse(res.body) as { id: string }).id;
      if (ledger.has(id)) r.duplicateAnswers++;
      ledger.set(id, a.id);
      r.claims++;
      return true;
    }
    if (res.status === 404) {
      r.emptyQueue++;
      return false;
    }
    if (res.status >= 500) r.fivexx++;
    else r.otherErrors++;
    return true;
  });
  r.seconds = (Date.now() - start) / 1000;
  r.perSecond = Math.round(r.claims / r.seconds);
  return r;
}

export type StormResult = {
  cases: number;
  requests: number;
  wins: number;
  conflicts: number;
  fivexx: number;
  other: number;
  multipleWinners: number;
};

/** Many agents of a team claim the same case at the same moment: one 200, the rest 409 already_claimed. */
export async function measureStorm(
  t: Target,
  org: Org,
  cases: { id: string; teamId: string }[],
  perCase: number,
  ledger: ClaimLedger,
): Promise<StormResult> {
  const r: StormResult = { cases: cases.length, requests: 0, wins: 0, conflicts: 0, fivexx: 0, other: 0, multipleWinners: 0 };
  for (const c of cases) {
    const team = org.members.get(c.teamId)!.slice(0, perCase);
    const answers = await Promise.all(
      team.map((i) => request(t.agent, t.base, 'POST', `/api/v1/cases/${c.id}/claim`, org.agents[i]!.token)),
    );
    r.requests += answers.length;
    const winners = answers.filter((a) => a.status === 200);
    r.wins += winners.length;
    if (winners.length > 1) r.multipleWinners++;
    answers.forEach((a, k) => {
      if (a.status === 200) ledger.set(c.id, org.agents[team[k]!]!.id);
      else if (a.status === 409 && a.body.includes('already_claimed')) r.conflicts++;
      else if (a.status >= 500) r.fivexx++;
      else r.other++;
    });
  }
  return r;
}

export type Verification = { checked: number; claimedTwice: number; ownerMismatch: number };

/** Checks in the database that no case got two claim events and each is owned by the agent who got the 200. */
export async function verifyClaims(db: Db, ledger: ClaimLedger): Promise<Verification> {
  const ids = [...ledger.keys()];
  let claimedTwice = 0;
  let ownerMismatch = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    const twice = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT case_id FROM case_events
      WHERE type = 'case.claimed' AND case_id = ANY(${part}::uuid[]) GROUP BY case_id HAVING count(*) > 1) x`.execute(db.kysely);
    claimedTwice += twice.rows[0]!.n;
    const owners = await sql<{
      id: string;
      owner_id: string | null;
    }>`SELECT id::text AS id, owner_id::text AS owner_id FROM cases WHERE id = ANY(${part}::uuid[])`.execute(db.kysely);
    for (const o of owners.rows) if (o.owner_id !== ledger.get(o.id)) ownerMismatch++;
  }
  return { checked: ids.length, claimedTwice, ownerMismatch };
}
