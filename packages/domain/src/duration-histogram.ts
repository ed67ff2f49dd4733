/**
 * Durations in reports (SPEC §12: first response, resolution, handle time) are counted in a
 * log-scale histogram, so a report's median and 90th percentile can come from kept counts as well
 * as from a scan of the cases, and both give the same figure.
 *
 * The scheme: a duration is taken in whole seconds (truncated; a negative one counts as 0) and
 * falls in the bucket [edge, next edge). Edges are 0, 1, 2, … one second apart while a second is at
 * least 2.5 % of the edge (below 40 s every whole second is its own bucket), then each next edge
 * is floor(edge × 1.025), so no bucket is wider than 2.5 % of its lower edge. The last edge is past
 * ten years; longer durations share the last bucket.
 *
 * A percentile q of n durations is the lower edge of the bucket holding the ceil(q × n)-th
 * shortest (nearest rank): exact in whole seconds below 40 s, at most 2.5 % below the exact
 * duration above.
 */
export const DURATION_EDGES: readonly number[] = (() => {
  const edges = [0];
  const last = 10 * 366 * 86_400;
  while (edges[edges.length - 1]! <= last) {
    const e = edges[edges.length - 1]!;
    edges.push(Math.max(e + 1, Math.floor(e * 1.025)));
  }
  return edges;
})();

/** The 1-based bucket of a duration in seconds (what SQL's width_bucket over DURATION_EDGES gives). */
export function durationBucket(seconds: number): number {
  const s = Math.max(0, Math.floor(seconds));
  let lo = 0;
  let hi = DURATION_EDGES.length - 1;
  // The largest index whose edge is ≤ s.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DURATION_EDGES[mid]! <= s) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** A bucket's lower edge in seconds: what a percentile that falls in bucket `b` reports. */
export const bucketFloor = (b: number): number => DURATION_EDGES[b - 1]!;

/** A bucket's count: `b` as durationBucket numbers it. */
export type DurationCount = { b: number; n: number };

/** The percentile q (0 < q ≤ 1) of the counted durations, in seconds (the bucket's lower edge); null without any. */
export function histogramPercentile(counts: readonly DurationCount[], q: number): number | null {
  const sorted = counts.filter((c) => c.n > 0).sort((x, y) => x.b - y.b);
  const total = sorted.reduce((a, c) => a + c.n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const c of sorted) {
    seen += c.n;
    if (seen >= rank) return bucketFloor(c.b);
  }
  return bucketFloor(sorted[sorted.length - 1]!.b);
}
