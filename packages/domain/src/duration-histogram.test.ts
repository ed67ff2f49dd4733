import { describe, expect, it } from 'vitest';
import { DURATION_EDGES, durationBucket, histogramPercentile } from './duration-histogram.ts';

describe('duration histogram buckets', () => {
  it('counts every whole second below 40 s in its own bucket', () => {
    for (let s = 0; s < 40; s++) expect(DURATION_EDGES[durationBucket(s + 0.9) - 1]).toBe(s);
  });

  it('keeps each bucket within 2.5 % of its lower edge, edges rising, past ten years', () => {
    for (let i = 1; i < DURATION_EDGES.length; i++) {
      const [lo, hi] = [DURATION_EDGES[i - 1]!, DURATION_EDGES[i]!];
      expect(hi).toBeGreaterThan(lo);
      if (lo >= 40) expect(hi - lo).toBeLessThanOrEqual(lo * 0.025);
    }
    expect(DURATION_EDGES.at(-1)).toBeGreaterThan(10 * 365 * 86_400);
  });

  it.each([
    [-5, 0],
    [0, 0],
    [39.99, 39],
    [40, 40],
    [80, 80],
    [81, 80],
    [82, 82],
    [900, 885],
    [1140, 1127],
    [3600, 3550],
    [45_000, 44_944],
    [1e12, DURATION_EDGES.at(-1)!],
  ])('%s s falls in the bucket from %s s', (s, edge) => {
    expect(DURATION_EDGES[durationBucket(s) - 1]).toBe(edge);
    expect(DURATION_EDGES[durationBucket(s) - 1]).toBeLessThanOrEqual(Math.max(0, s));
  });

  it('places every edge in its own bucket and the second before it in the previous one', () => {
    DURATION_EDGES.forEach((e, i) => {
      expect(durationBucket(e)).toBe(i + 1);
      if (e > 0) expect(durationBucket(e - 1)).toBe(i);
    });
  });
});

describe('histogramPercentile (nearest rank, lower edge)', () => {
  const of = (...seconds: number[]) => {
    const m = new Map<number, number>();
    for (const s of seconds) m.set(durationBucket(s), (m.get(durationBucket(s)) ?? 0) + 1);
    return [...m].map(([b, n]) => ({ b, n }));
  };

  it.each([
    [[], 0.5, null],
    [[10], 0.5, 10],
    [[10, 20], 0.5, 10],
    [[10, 20, 30], 0.5, 20],
    [[30, 10, 20, 5], 0.5, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9, 10],
    [[600, 1200], 0.9, 1183],
  ] as const)('%j at %s → %s', (xs, q, want) => {
    expect(histogramPercentile(of(...xs), q)).toBe(want);
  });

  it('ignores empty buckets and order of the counts', () => {
    expect(
      histogramPercentile(
        [
          { b: 30, n: 1 },
          { b: 5, n: 0 },
          { b: 12, n: 2 },
        ],
        0.5,
      ),
    ).toBe(11);
  });
});
