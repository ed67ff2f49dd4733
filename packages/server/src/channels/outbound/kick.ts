import type { Db } from '../../db/connect.ts';
import type { Deps } from '../../deps.ts';

const kickers = new WeakMap<Db, () => void>();

/** The channel runtime registers how to wake its webhook sender (null unregisters). */
export function registerWebhookKicker(db: Db, kick: (() => void) | null): void {
  if (kick) kickers.set(db, kick);
  else kickers.delete(db);
}

/** Wakes this process's webhook sender now (otherwise the next poll sends). */
export function kickWebhooks(deps: Pick<Deps, 'db'>): void {
  kickers.get(deps.db)?.();
}
