import type { Db } from '../db/connect.ts';
import type { AppUser } from './actor.ts';

/**
 * Who a credential (a hashed API token or session id) resolves to, kept per process so that a
 * request costs no identity query. An entry is used only while the database's access version
 * (db/access-watch.ts: this process's committed writes at once, other processes' by NOTIFY) is
 * the one it was read at, the session has not expired, and for at most 15 seconds. What was read
 * while the version moved is not kept. Failed lookups are never kept.
 */
type Entry = { user: AppUser; version: number; until: number };

// Bounds how long a change could go unseen should notices silently stop arriving.
const TTL_MS = 15_000;
const MAX_ENTRIES = 50_000;

/** One process's cache over one database (a member of Deps: `deps.identities`). */
export class IdentityCache {
  readonly #cache = new Map<string, Entry>();

  constructor(private readonly db: Db) {}

  async resolve(key: string, now: Date, read: () => Promise<AppUser | undefined>): Promise<AppUser | undefined> {
    const cache = this.#cache;
    const db = this.db;
    const version = db.accessVersion();
    const t = performance.now();
    const hit = cache.get(key);
    if (hit && version !== null && hit.version === version && t < hit.until && (!hit.user.expiresAt || now < hit.user.expiresAt))
      return hit.user;
    if (hit) cache.delete(key);
    const user = await read();
    if (user && version !== null && db.accessVersion() === version) {
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(key, { user, version, until: t + TTL_MS });
    }
    return user;
  }
}
