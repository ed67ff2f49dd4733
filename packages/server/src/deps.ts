import type { Logger } from 'pino';
import type { Db } from './db/connect.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { LiveHub } from './realtime/hub.ts';
import type { Presence } from './realtime/presence.ts';
import type { Announcer } from './realtime/announcer.ts';
import type { IdentityCache } from './auth/identity-cache.ts';
import type { ClaimBatcher } from './use-cases/claim-next-batch.ts';
import type { OutboundSenders } from './channels/outbound/senders.ts';
import type { DemoOutbox } from './demo/demo-outbox.ts';
import type { ProcessState } from './process-state.ts';

/**
 * Everything a use case may touch, passed explicitly (tests build their own). Whatever a process
 * keeps for its database's lifetime is a member here, made where Deps is built (main.ts, the test
 * harness), never a module-level registry.
 */
export type Deps = {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  hub: LiveHub;
  presence: Presence;
  /** Announces committed changes to every process, batched (the outbox calls it after commit). */
  announcer: Announcer;
  /** Identities resolved from tokens and sessions, while the database's access version holds. */
  identities: IdentityCache;
  /** Claim-next requests that go out together (use-cases/claim-next.ts: createClaimBatcher). */
  claims: ClaimBatcher;
  /** How to wake this process's reply and webhook senders, and their mail relay (set by the channel runtime). */
  outbound: OutboundSenders;
  /** The demo's stand-in mail relay and SMS provider, shown at /demo/outbox (null outside the demo). */
  demoOutbox: DemoOutbox | null;
  /** Whether this process is stopping (`/readyz` fails) and when its last request came. */
  state: ProcessState;
};
