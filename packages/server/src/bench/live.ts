import { request, openEvents, type SseEvent } from './http.ts';
import type { Org } from './org.ts';
import type { Target } from './scenarios.ts';
import { latency, now, sleep, type Latency } from './stats.ts';
import type { ClaimLedger } from './claims.ts';

/**
 * Live-update latency: an agent claims a case through process A; a teammate's event stream
 * on process B (the same process on the embedded database) receives `case.claimed`.
 * Measured from sending the claim to the event's arrival.
 */
export async function measureLive(
  a: Target,
  b: Target,
  org: Org,
  cases: { id: string; teamId: string }[],
  ledger: ClaimLedger,
): Promise<Latency & { missed: number }> {
  const samples: number[] = [];
  let missed = 0;
  const waiting = new Map<string, (e: SseEvent) => void>();
  const streams = new Map<string, { close(): void }>();
  try {
    for (const c of cases) {
      const members = org.members.get(c.teamId)!;
      if (members.length < 2) continue;
      const [listenerIdx, claimerIdx] = [members[0]!, members[1]!];
      const listener = org.agents[listenerIdx]!;
      if (!streams.has(listener.id)) {
        streams.set(
          listener.id,
          await openEvents(b.base, listener.token, (e) => {
            if (e.event === 'case.claimed') waiting.get(String(e.data.caseId))?.(e);
          }),
        );
      }
      const got = new Promise<bigint | null>((resolve) => {
        waiting.set(c.id, (e) => resolve(e.at));
        setTimeout(() => resolve(null), 5000);
      });
      const start = now();
      const res = await request(a.agent, a.base, 'POST', `/api/v1/cases/${c.id}/claim`, org.agents[claimerIdx]!.token);
      if (res.status === 200) ledger.set(c.id, org.agents[claimerIdx]!.id);
      const at = await got;
      waiting.delete(c.id);
      if (at === null || res.status !== 200) missed++;
      else samples.push(Number(at - start) / 1e6);
      await sleep(20);
    }
  } finally {
    for (const s of streams.values()) s.close();
  }
  return { ...latency(samples), missed };
}
