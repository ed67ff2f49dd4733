import type { DomainEvent } from '@casework/domain';
import type { AppUser } from '../auth/actor.ts';
import type { Batcher } from '../batcher.ts';
import type { QueueClaim } from '../db/repos/claim-queue.ts';

/** One agent's claim-next request, as the batcher collects them. */
export type ClaimAsk = { actor: AppUser; teamIds: string[] };
/** Its answer: the claim's outcome with the time and history it was made with, or the error of its statement. */
export type ClaimAnswer = { ok: true; claim: QueueClaim; now: Date; events: DomainEvent[] } | { ok: false; error: unknown };

/** This process's claim-next batcher (a member of Deps: `deps.claims`, made by createClaimBatcher in claim-next.ts). */
export type ClaimBatcher = Batcher<ClaimAsk, ClaimAnswer>;
