import type { Logger } from 'pino';
import type { Db } from '../db/connect.ts';
import type { Clock } from '../clock.ts';

export type DemoLogin = { email: string; password: string; role: string; name: string };

/** Loads the demo organisation into an empty database and returns its logins. */
export async function loadDemo(_deps: { db: Db; clock: Clock; log: Logger }): Promise<DemoLogin[]> {
  throw new Error('demo not built yet');
}
