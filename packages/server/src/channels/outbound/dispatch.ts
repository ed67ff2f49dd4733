import type { Db } from '../../db/connect.ts';
import type { Deps } from '../../deps.ts';

export { enqueueReply } from './replies.ts';

const kickers = new WeakMap<Db, () => void>();

/** The channel runtime of a process registers how to wake its reply sender. */
export function registerReplyKicker(db: Db, kick: (() => void) | null): void {
  if (kick) kickers.set(db, kick);
  else kickers.delete(db);
}

/** Wakes this process's reply sender after a commit (without one, the next poll of any process sends it). */
export function kickReplies(deps: Pick<Deps, 'db'>): void {
  kickers.get(deps.db)?.();
}
