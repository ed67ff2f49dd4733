/** Small deterministic random numbers (mulberry32), so two runs generate the same organisation. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [v, w] of table) {
      x -= w;
      if (x < 0) return v;
    }
    return table[table.length - 1]![0];
  }
}

export type Latency = { n: number; p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentiles of millisecond samples, rounded to 0.1 ms. */
export function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(s[s.length - 1] ?? NaN) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `worker` on `n` parallel lanes until `until()` is false or `deadline` passes. */
export async function lanes(n: number, deadline: number, worker: (lane: number) => Promise<boolean>): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, lane) => {
      while (Date.now() < deadline) {
        if (!(await worker(lane))) return;
      }
    }),
  );
}

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
export const now = () => process.hrtime.bigint();
