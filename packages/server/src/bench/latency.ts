import fs from 'node:fs';
import pg from 'pg';
import { request, type Reply } from './http.ts';
import type { Org } from './org.ts';
import type { Target } from './scenarios.ts';

/** The figures one answer's `Server-Timing` header gives, in ms. */
type ServerSplit = { total: number; db: number; commit: number; statements: number };

/** Reads `total`, `db` (with `desc="N statements"`) and `commit` from a Server-Timing header. */
function parseServerTiming(header: string | undefined): ServerSplit | null {
  if (!header) return null;
  const dur = (name: string) => Number(new RegExp(`(?:^|,\\s*)${name};dur=([\\d.]+)`).exec(header)?.[1] ?? Number.NaN);
  const statements = Number(/db;dur=[\d.]+;desc="(\d+) statements"/.exec(header)?.[1] ?? Number.NaN);
  return { total: dur('total'), db: dur('db'), commit: dur('commit'), statements };
}

/** One endpoint's medians over its sequential requests: at the client, and as the server split them. */
export type EndpointLatency = {
  endpoint: string;
  kind: 'base' | 'read' | 'my-work' | 'write';
  n: number;
  errors: number;
  clientMs: number;
  serverMs: number;
  dbMs: number;
  commitMs: number;
  restMs: number;
  statements: number;
  /** Reads: the same statements run directly on the database, in sequence (median of their sum). */
  bareDbMs?: number;
};

const median = (xs: number[]) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor((s.length - 1) / 2)]! * 100) / 100;
};

function summary(step: Step, client: number[], split: ServerSplit[], errors: number): EndpointLatency {
  const pick = (k: keyof ServerSplit) => median(split.map((s) => s[k]));
  return {
    endpoint: step.endpoint,
    kind: step.kind,
    n: client.length,
    errors,
    clientMs: median(client),
    serverMs: pick('total'),
    dbMs: pick('db'),
    commitMs: pick('commit'),
    restMs: median(split.map((s) => s.total - s.db)),
    statements: pick('statements'),
  };
}

type Step = { endpoint: string; kind: EndpointLatency['kind']; send: (i: number, trace?: string) => Promise<Reply> };

/**
 * The latency phase: one agent, one request at a time (no load), `rounds` requests per endpoint
 * after a few unmeasured ones. `fresh` are unowned cases on the agent's team for the claims by id;
 * the replies and resolutions then go to those cases. Claim-next draws on the agent's queue.
 */
export async function measureLatency(t: Target, org: Org, agentIndex: number, fresh: string[], rounds: number): Promise<EndpointLatency[]> {
  const agent = org.agents[agentIndex]!;
  // The last measured request of each endpoint is traced: its statements go to the server's trace file.
  const traced = (label?: string): Record<string, string> => (label ? { 'x-casework-trace': label } : {});
  const get = (path: string) => (_i?: number, trace?: string) =>
    request(t.agent, t.base, 'GET', path, agent.token, undefined, traced(trace));
  const post = (path: (i: number) => string, body?: unknown) => (i: number, trace?: string) =>
    request(t.agent, t.base, 'POST', path(i), agent.token, body, traced(trace));
  const n = Math.min(rounds, fresh.length);
  const steps: Step[] = [
    { endpoint: 'GET /healthz', kind: 'base', send: get('/healthz') },
    { endpoint: 'GET /me', kind: 'read', send: get('/api/v1/me') },
    { endpoint: 'GET /organisation', kind: 'read', send: get('/api/v1/organisation') },
    { endpoint: 'GET /cases?limit=25', kind: 'read', send: get('/api/v1/cases?limit=25') },
    { endpoint: 'GET /cases/:id', kind: 'read', send: (i, trace) => get(`/api/v1/cases/${fresh[i % fresh.length]}`)(i, trace) },
    { endpoint: 'GET /me/work', kind: 'my-work', send: get('/api/v1/me/work') },
    { endpoint: 'POST /cases/:id/claim', kind: 'write', send: post((i) => `/api/v1/cases/${fresh[i]}/claim`) },
    {
      endpoint: 'POST /cases/:id/messages',
      kind: 'write',
      send: post((i) => `/api/v1/cases/${fresh[i]}/messages`, { body: 'Thanks, on it.' }),
    },
    {
      endpoint: 'POST /cases/:id/resolve',
      kind: 'write',
      send: post((i) => `/api/v1/cases/${fresh[i]}/resolve`, { resolution: 'completed' }),
    },
    { endpoint: 'POST /me/work/claim-next', kind: 'write', send: post(() => '/api/v1/me/work/claim-next') },
  ];
  // GET /healthz, the baseline, is measured on its own first, after more warm-up: sent right after
  // a write it would also pay for the write's after-work (announcements), and hide margins.
  const base = { client: [] as number[], split: [] as ServerSplit[] };
  const healthz = get('/healthz');
  const out: EndpointLatency[] = [];
  for (const step of steps) {
    const client: number[] = [];
    const split: ServerSplit[] = [];
    let errors = 0;
    // Writes act on one fresh case each; reads warm up first.
    const warm = step.kind === 'write' ? 0 : step.kind === 'base' ? 50 : 5;
    for (let i = 0; i < warm; i++) await step.send(i);
    for (let i = 0; i < n; i++) {
      if (step.kind === 'base') {
        const h = await healthz();
        base.client.push(h.ms);
        const hs = parseServerTiming(h.serverTiming);
        if (hs) base.split.push(hs);
        continue;
      }
      const r = await step.send(i, i === n - 1 ? step.endpoint : undefined);
      if (r.status >= 300) {
        errors++;
        continue;
      }
      client.push(r.ms);
      const s = parseServerTiming(r.serverTiming);
      if (s) split.push(s);
    }
    if (step.kind !== 'base') out.push(summary(step, client, split, errors));
  }
  out.unshift(summary(steps[0]!, base.client, base.split, 0));
  return out;
}

/** The budget of an endpoint's median over GET /healthz's, in ms (a write also gets its commit). */
function budget(e: EndpointLatency): number | null {
  if (e.kind === 'read') return 1;
  if (e.kind === 'my-work') return 2;
  if (e.kind === 'write') return 2 + (Number.isFinite(e.commitMs) ? e.commitMs : 0);
  return null;
}

/** The latency table: per endpoint the median at the client, its margin over /healthz against the budget, and the server's split. */
export function latencyTable(rows: EndpointLatency[]): string[] {
  if (!rows.length) return [];
  const base = rows.find((r) => r.kind === 'base')?.clientMs ?? 0;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
  const body = rows.map((r) => {
    const b = budget(r);
    const margin = r.clientMs - base;
    return [
      r.endpoint,
      String(r.n) + (r.errors ? ` (${r.errors} failed)` : ''),
      f(r.clientMs),
      r.kind === 'base' ? '—' : f(margin),
      b === null ? '—' : `≤ ${f(b)}${r.kind === 'write' ? ' (2 + commit)' : ''}`,
      b === null ? '' : margin <= b ? 'yes' : 'NO',
      f(r.serverMs),
      f(r.dbMs),
      f(r.commitMs),
      f(r.restMs),
      r.bareDbMs === undefined ? '—' : f(r.bareDbMs),
      Number.isFinite(r.statements) ? String(r.statements) : '—',
    ];
  });
  const head = [
    'request (sequential, one agent)',
    'n',
    'client',
    'over /healthz',
    'budget',
    'ok',
    'server',
    'db',
    'commit',
    'server − db',
    'bare db',
    'statements',
  ];
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [
    'Latency, medians in ms (server figures from Server-Timing):',
    line(head),
    line(w.map((x) => '-'.repeat(x))),
    ...body.map(line),
    '',
  ];
}

/**
 * Runs each read endpoint's traced statements directly over one connection (no HTTP, no server),
 * `rounds` times after a warm-up of ten, and records the median of their sum as `bareDbMs`. Writes are
 * not replayed: their statements act on cases they already changed.
 */
export async function bareDatabase(url: string, traceFile: string, rows: EndpointLatency[], rounds: number): Promise<void> {
  if (!fs.existsSync(traceFile)) return;
  const traces = new Map<string, { sql: string; parameters: unknown[] }[]>();
  for (const line of fs.readFileSync(traceFile, 'utf8').split('\n')) {
    if (!line) continue;
    const t = JSON.parse(line) as { label: string; statements: { sql: string; parameters: unknown[] }[] };
    traces.set(t.label, t.statements);
  }
  const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
  await client.connect();
  try {
    for (const row of rows) {
      const statements = traces.get(row.endpoint);
      if (row.kind === 'write' || !statements) continue;
      const run = async () => {
        const t0 = performance.now();
        for (const s of statements) await client.query(s.sql, s.parameters);
        return performance.now() - t0;
      };
      // Past the first five calls, after which PL/pgSQL keeps generic plans (as in the server's warm connections).
      for (let i = 0; i < 10; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) times.push(await run());
      row.bareDbMs = median(times);
    }
  } finally {
    await client.end();
  }
}
