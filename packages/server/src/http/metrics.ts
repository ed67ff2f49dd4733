/** A small Prometheus registry: request counts and latency histogram per route. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Series = { count: number; sum: number; buckets: number[] };
const requests = new Map<string, number>();
const durations = new Map<string, Series>();
const counters = new Map<string, number>();

export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  const key = `method="${method}",route="${route}",status="${status}"`;
  requests.set(key, (requests.get(key) ?? 0) + 1);
  const dk = `method="${method}",route="${route}"`;
  let s = durations.get(dk);
  if (!s) durations.set(dk, (s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) }));
  s.count++;
  s.sum += seconds;
  BUCKETS.forEach((b, i) => {
    if (seconds <= b) s!.buckets[i]!++;
  });
}

export function incCounter(name: string, by = 1): void {
  counters.set(name, (counters.get(name) ?? 0) + by);
}

export function renderMetrics(gauges: Record<string, number>): string {
  const out: string[] = [];
  out.push('# HELP casework_http_requests_total HTTP requests by route and status', '# TYPE casework_http_requests_total counter');
  for (const [k, v] of requests) out.push(`casework_http_requests_total{${k}} ${v}`);
  out.push('# HELP casework_http_request_duration_seconds Request latency', '# TYPE casework_http_request_duration_seconds histogram');
  for (const [k, s] of durations) {
    BUCKETS.forEach((b, i) => out.push(`casework_http_request_duration_seconds_bucket{${k},le="${b}"} ${s.buckets[i]}`));
    out.push(`casework_http_request_duration_seconds_bucket{${k},le="+Inf"} ${s.count}`);
    out.push(`casework_http_request_duration_seconds_sum{${k}} ${s.sum}`, `casework_http_request_duration_seconds_count{${k}} ${s.count}`);
  }
  for (const [name, v] of counters) out.push(`# TYPE ${name} counter`, `${name} ${v}`);
  for (const [name, v] of Object.entries(gauges)) out.push(`# TYPE ${name} gauge`, `${name} ${v}`);
  return `${out.join('\n')}\n`;
}
