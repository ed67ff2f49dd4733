import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.ts';
import type { AppUser } from '../auth/actor.ts';
import { EVENTS_CHANNEL, type Audience, type LiveNotice } from '../db/repos/case-events.ts';
import { visibleTo } from '../db/repos/visibility.ts';

export type LiveMessage = { id?: string; event: string; data: Record<string, unknown> };
export type LiveClient = { actor: AppUser; send(m: LiveMessage): void; close(): void };

/** May this user hear of a change that concerned these teams and people? Mirrors canView. */
export function mayHear(actor: AppUser, a: Audience): boolean {
  if (actor.permissions.has('case.view_all')) return true;
  if (a.userIds.includes(actor.id)) return true;
  return actor.permissions.has('case.view_team') && a.teamIds.some((t) => actor.teamIds.includes(t));
}

/**
 * Fans committed changes out to connected browsers. Every process listens on the database's
 * notification channel, so a change made on one process reaches clients of all of them.
 */
export class LiveHub {
  readonly #clients = new Set<LiveClient>();
  #stop: (() => Promise<void>) | null = null;

  constructor(private readonly db: Db, private readonly log: Logger) {}

  async start(): Promise<void> {
    this.#stop = await this.db.listen(EVENTS_CHANNEL, (p) => this.#dispatch(p), () => this.#resyncAll());
  }

  async stop(): Promise<void> {
    for (const c of this.#clients) c.close();
    this.#clients.clear();
    await this.#stop?.();
  }

  get size(): number {
    return this.#clients.size;
  }

  add(client: LiveClient): () => void {
    this.#clients.add(client);
    return () => this.#clients.delete(client);
  }

  /** Replaces a client's actor (permissions or teams changed) or drops it (signed out). */
  forEachClient(fn: (c: LiveClient) => void): void {
    for (const c of this.#clients) fn(c);
  }

  #dispatch(payload: string): void {
    let n: LiveNotice;
    try {
      n = JSON.parse(payload) as LiveNotice;
    } catch {
      this.log.warn('unreadable live notice');
      return;
    }
    for (const client of this.#clients) {
      if (!mayHear(client.actor, n.audience)) continue;
      n.types.forEach((type, i) => client.send({ id: n.ids[i], event: type, data: { type, caseId: n.caseId || null, at: n.at } }));
    }
  }

  #resyncAll(): void {
    for (const c of this.#clients) c.send({ event: 'resync', data: { type: 'resync' } });
  }

  /** Case events after `lastId` that the user may see now (a reconnecting browser catches up). */
  async missedSince(actor: AppUser, lastId: string, limit = 500): Promise<LiveMessage[] | null> {
    const r = await sql<{ id: string; type: string; case_id: string; created_at: Date }>`
      SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at FROM case_events e
      JOIN cases c ON c.id = e.case_id
      WHERE e.id > ${lastId}::bigint AND ${visibleTo(actor)}
      ORDER BY e.id LIMIT ${limit + 1}`.execute(this.db.kysely);
    if (r.rows.length > limit) return null; // too far behind: the client should refetch everything
    return r.rows.map((e) => ({ id: e.id, event: e.type, data: { type: e.type, caseId: e.case_id, at: new Date(e.created_at).toISOString() } }));
  }
}

/** Announces a change that concerns one user only (e.g. their preferences), on every process. */
export async function notifyUser(db: Db, userId: string, type: string, at: Date): Promise<void> {
  const notice: LiveNotice = { caseId: '', ids: [''], types: [type], audience: { teamIds: [], userIds: [userId] }, at: at.toISOString() };
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(db.kysely);
}
