/**
 * What a server process knows of its own life: whether it is stopping (then `/readyz` answers
 * 503 so a load balancer sends no new requests) and when the last request other than a probe
 * arrived (the shutdown delay ends early once they stopped coming).
 */
export type ProcessState = { draining: boolean; lastRequestAt: number };

export const newProcessState = (): ProcessState => ({ draining: false, lastRequestAt: 0 });

/** Probes a load balancer or monitor sends: they do not count as traffic. */
export const PROBE_PATHS = new Set(['/readyz', '/healthz', '/metrics']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Marks the process as stopping and waits until a load balancer has had time to see `/readyz`
 * fail: `delayMs`, or less once a second passed without a request (nobody is sending any).
 */
export async function drain(state: ProcessState, delayMs: number): Promise<void> {
  state.draining = true;
  const began = Date.now();
  const quiet = Math.min(1000, delayMs);
  while (Date.now() - began < delayMs) {
    if (Date.now() - Math.max(began, state.lastRequestAt) >= quiet) return;
    await sleep(50);
  }
}

/** Resolves with `p`, or with false once `ms` passed. */
export function within<T>(p: Promise<T>, ms: number): Promise<T | false> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
