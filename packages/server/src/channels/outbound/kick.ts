import type { Deps } from '../../deps.ts';

/** Wakes this process's webhook sender now (otherwise the next poll sends). */
export function kickWebhooks(deps: Pick<Deps, 'outbound'>): void {
  deps.outbound.kickWebhooks();
}
