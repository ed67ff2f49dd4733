import type { RequestTiming } from '../db/request-timing.ts';

/**
 * A small Prometheus registry: request counts per route and status, and per route histograms of
 * the request's time, its database time and statement count, its auth time and its serialisation
 * time (the figures of the `Server-Timing` header).
 */
const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const COUNTS = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50];

class Histogram {
  readonly series = new Map<string, { count: number; sum: number; buckets: number[] }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[],
  ) {}
  observe(labels: string, value: number): void {
    let s = this.series.get(labels);
    if (!s) {
      s = { count: 0, sum: 0, buckets: this.bounds.map(() => 0) };
      this.series.set(labels, s);
    }
    s.count++;
    s.sum += value;
    // Cumulative buckets: every bound at or above the value.
    for (let i = this.bounds.length - 1; i >= 0 && value <= this.bounds[i]!; i--) s.buckets[i]!++;
  }
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [k, s] of this.series) {
      for (const [i, b] of this.bounds.entries()) out.push(`${this.name}_bucket{${k},le="${b}"} ${s.buckets[i]}`);
      out.push(`${this.name}_bucket{${k},le="+Inf"} ${s.count}`);
      out.push(`${this.name}_sum{${k}} ${s.sum}`, `${this.name}_count{${k}} ${s.count}`);
    }
  }
}

const requests = new Map<string, number>();
const histograms = {
  duration: new Histogram('casework_http_request_duration_seconds', 'Request latency', SECONDS),
  db: new Histogram('casework_http_request_db_seconds', 'Time spent in database statements per request', SECONDS),
  statements: new Histogram('casework_http_request_db_statements', 'Database statements per request (BEGIN and COMMIT count)', COUNTS),
  auth: new Histogram('casework_http_request_auth_seconds', 'Time spent identifying the caller per request', SECONDS),
  serialise: new Histogram('casework_http_request_serialise_seconds', 'Time spent serialising the answer per request', SECONDS),
};
// The label text of each method and route, built once.
const labelsOf = new Map<string, string>();

export function observeRequest(method: string, route: string, status: number, seconds: number, timing?: RequestTiming): void {
  const mr = `${method} ${route}`;
  let labels = labelsOf.get(mr);
  if (labels === undefined) {
    labels = `method="${method}",route="${route}"`;
    labelsOf.set(mr, labels);
  }
  const key = `${labels},status="${status}"`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  histograms.duration.observe(labels, seconds);
  if (!timing) return;
  histograms.db.observe(labels, timing.dbMs / 1000);
  histograms.statements.observe(labels, timing.statements);
  histograms.auth.observe(labels, timing.authMs / 1000);
  histograms.serialise.observe(labels, timing.serialiseMs / 1000);
}

export function renderMetrics(gauges: Record<string, number>): string {
  const out: string[] = [];
  out.push('# HELP casework_http_requests_total HTTP requests by route and status', '# TYPE casework_http_requests_total counter');
  for (const [k, v] of requests) out.push(`casework_http_requests_total{${k}} ${v}`);
  for (const h of Object.values(histograms)) h.render(out);
  for (const [name, v] of Object.entries(gauges))
    out.push(`# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`, `${name} ${v}`);
  return `${out.join('\n')}\n`;
}
