import type { Deps } from '../../deps.ts';

export { enqueueReply } from './replies.ts';

/** Wakes this process's reply sender after a commit (without one, the next poll of any process sends it). */
export function kickReplies(deps: Pick<Deps, 'outbound'>): void {
  deps.outbound.kickReplies();
}
