import type { Logger } from 'pino';
import type { Db } from './db/connect.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { LiveHub } from './realtime/hub.ts';
import type { Presence } from './realtime/presence.ts';

/** Everything a use case may touch, passed explicitly (tests build their own). */
export type Deps = { db: Db; clock: Clock; config: Config; log: Logger; hub: LiveHub; presence: Presence };
