import pino from 'pino';
import { newProcessState } from './process-state.ts';
import { buildApp } from './app.ts';
import { systemClock } from './clock.ts';
import { readConfig } from './config.ts';
import { openPGlite } from './db/connect.ts';
import { LiveHub } from './realtime/hub.ts';
import { Presence } from './realtime/presence.ts';
import { Announcer } from './realtime/announcer.ts';
import { IdentityCache } from './auth/identity-cache.ts';
import { OutboundSenders } from './channels/outbound/senders.ts';
import { createClaimBatcher } from './use-cases/claim-next.ts';
import type { Deps } from './deps.ts';

/**
 * The OpenAPI document the server serves at /api/v1/openapi.json, built in process: the app is
 * assembled over a throwaway in-memory embedded database (never migrated; no request is served)
 * with the default configuration, so the document does not depend on the environment.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const db = await openPGlite();
  const log = pino({ level: 'silent' });
  const deps: Deps = {
    db,
    clock: systemClock,
    config: readConfig({}),
    log,
    hub: new LiveHub(db, log),
    presence: new Presence(db, () => systemClock.now()),
    announcer: new Announcer(db),
    identities: new IdentityCache(db),
    claims: createClaimBatcher(db.kind, () => deps),
    outbound: new OutboundSenders(),
    demoOutbox: null,
    state: newProcessState(),
  };
  const app = await buildApp(deps);
  try {
    await app.ready();
    return structuredClone(app.swagger()) as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.close();
  }
}
