import http from 'node:http';
import { localDate } from '@casework/domain';
import type { Org } from './org.ts';
import { timed, type Target, type Timed } from './scenarios.ts';
import { request } from './http.ts';
import { serverRss } from './server.ts';
import { sleep } from './stats.ts';

/** A calendar date `days` before `date` (YYYY-MM-DD arithmetic, no zone). */
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * GET /reports/summary over the last `days` days (1: today), as the admin (every case), a
 * supervisor (every case, their zone) or an agent (their own work), at random. Each request's
 * range ends today in the UTC calendar, close enough to each viewer's today for the figures; or
 * `endDaysAgo` days before (1: yesterday, a whole day: today holds only the hours gone by, so its
 * figure depends on the hour of the run, and a whole day is today's worst case).
 */
export function measureReport(
  t: Target,
  org: Org,
  days: number,
  seconds: number,
  clients: number,
  cap: number,
  endDaysAgo = 0,
): Promise<Timed> {
  const to = daysBefore(localDate(new Date(), 'UTC'), endDaysAgo);
  const from = daysBefore(to, days - 1);
  // Every 20th bench agent is a supervisor (org.ts): the agents' requests are the others' own work.
  const supervisors = org.agents.filter((_, i) => i % 20 === 0);
  const agents = org.agents.filter((_, i) => i % 20 !== 0);
  return timed(
    seconds,
    clients,
    cap,
    async (rng) => {
      const [who, token] = rng.weighted([
        [['admin', org.adminToken], 1],
        [['supervisor', rng.pick(supervisors).token], 1],
        [['agent', rng.pick(agents).token], 2],
      ] as const);
      const r = await request(t.agent, t.base, 'GET', `/api/v1/reports/summary?from=${from}&to=${to}`, token);
      return { status: r.status, ms: r.ms, scenario: who };
    },
    5,
  );
}

export type ExportResult = { rows: number; bytes: number; seconds: number; perSecond: number; rssBeforeMb: number; rssPeakMb: number };

/**
 * GET /cases/export.csv of every case as the admin, read as it streams over a plain socket
 * (node:http, each chunk's line feeds counted without decoding it, so the reader costs little of
 * the two cores the server shares); the server's RSS is read from /proc (or /metrics) before and
 * every 250 ms during the download (its peak minus before = growth).
 */
export async function measureExport(t: Target, org: Org): Promise<ExportResult> {
  const mb = (b: number) => Math.round(b / 1048576);
  const before = await serverRss(t.base, t.pid);
  let peak = before;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, await serverRss(t.base, t.pid));
      await sleep(250);
    }
  })();
  const start = Date.now();
  const { lines, bytes } = await download(`${t.base}/api/v1/cases/export.csv`, org.adminToken);
  const seconds = (Date.now() - start) / 1000;
  done = true;
  await sampler;
  // Line feeds inside quoted cells would count too; generated subjects and names have none.
  const rows = lines - 1;
  return {
    rows,
    bytes,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(rows / seconds),
    rssBeforeMb: mb(before),
    rssPeakMb: mb(peak),
  };
}

/** Downloads a loopback URL, counting its bytes and line feeds. */
function download(url: string, token: string): Promise<{ lines: number; bytes: number }> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`the benchmark only talks to 127.0.0.1, not ${u.hostname}`);
  return new Promise((resolve, reject) => {
    const req = http.get(u, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`export answered ${res.statusCode}`));
        return;
      }
      let lines = 0;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => resolve({ lines, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
