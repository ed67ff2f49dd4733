import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.ts';
import type { AppUser } from '../auth/actor.ts';
import { EVENTS_CHANNEL, NOTIFICATION_CREATED, type Audience, type LiveNotice } from '../outbox/notices.ts';
import { seenTeams, seesEveryCase } from '@casework/domain';
import { visibleTo } from '../db/sql-rules.ts';

export type LiveMessage = { id?: string; event: string; data: Record<string, unknown> };
/** A connected browser. `reload` re-reads its user (teams, role) from the database, or closes it if signed out. */
export type LiveClient = { actor: AppUser; send(m: LiveMessage): void; close(): void; reload?(): Promise<void> };

/**
 * A notice for the listed users only (their preferences, their access), never for everyone who
 * sees all cases. `access.changed` (all: every user) makes their connections re-read their rights.
 */
type Notice = LiveNotice & { personal?: true; all?: true };
const ACCESS_CHANGED = 'access.changed';

/** May this user hear of a change that concerned these teams and people? Mirrors canView. */
function mayHear(actor: AppUser, a: Audience, personal = false): boolean {
  if (a.userIds.includes(actor.id)) return true;
  if (personal) return false;
  if (seesEveryCase(actor)) return true;
  return a.teamIds.some((t) => seenTeams(actor).includes(t));
}

/**
 * Fans committed changes out to connected browsers. Every process listens on the database's
 * notification channel, so a change made on one process reaches clients of all of them.
 */
export class LiveHub {
  readonly #clients = new Set<LiveClient>();
  /** Clients whose rights are being re-read: notices wait here, to be judged by the fresh rights. */
  readonly #held = new Map<LiveClient, { notices: Notice[]; again: boolean }>();
  #stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.#stop = await this.db.listen(
      EVENTS_CHANNEL,
      (p) => this.#dispatch(p),
      () => this.#resyncAll(),
    );
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
    return () => {
      this.#clients.delete(client);
      this.#held.delete(client);
    };
  }

  #dispatch(payload: string): void {
    let n: Notice;
    try {
      n = JSON.parse(payload) as Notice;
    } catch {
      this.log.warn('unreadable live notice');
      return;
    }
    for (const client of this.#clients) {
      if (n.types.includes(ACCESS_CHANGED)) {
        if (n.all || n.audience.userIds.includes(client.actor.id)) this.#reload(client);
      } else this.#deliver(client, n);
    }
  }

  #deliver(client: LiveClient, n: Notice): void {
    const held = this.#held.get(client);
    if (held) held.notices.push(n);
    else if (n.recipients) {
      // A notification: to its user only, and only while they may still see the case.
      const mine = n.recipients.find((r) => r.userId === client.actor.id);
      if (mine && mayHear(client.actor, n.audience)) {
        client.send({
          event: NOTIFICATION_CREATED,
          data: {
            type: NOTIFICATION_CREATED,
            caseId: n.caseId,
            at: n.at,
            notification: { id: mine.id, type: mine.type, inApp: mine.inApp, desktop: mine.desktop },
          },
        });
      }
    } else if (mayHear(client.actor, n.audience, n.personal)) {
      for (const [i, type] of n.types.entries())
        client.send({ id: n.ids[i], event: type, data: { type, caseId: n.caseId || null, at: n.at } });
    }
  }

  /**
   * The user's teams or rights changed: hold their notices (synchronously, so nothing slips
   * through on the old rights), re-read the user, then deliver what the fresh rights allow.
   */
  #reload(client: LiveClient): void {
    const held = this.#held.get(client);
    if (held) {
      held.again = true;
      return;
    }
    if (!client.reload) return;
    const state = { notices: [] as Notice[], again: true };
    this.#held.set(client, state);
    void (async () => {
      while (state.again) {
        state.again = false;
        await client.reload!().catch((err) => this.log.warn({ err }, 'live client reload failed'));
      }
      if (this.#held.get(client) !== state) return; // disconnected meanwhile
      this.#held.delete(client);
      for (const n of state.notices) this.#deliver(client, n);
      client.send({ event: 'resync', data: { type: 'resync' } });
    })();
  }

  #resyncAll(): void {
    // Notices were lost (access changes among them): re-read every user, then everyone refetches.
    for (const c of this.#clients) {
      if (c.reload) this.#reload(c);
      else c.send({ event: 'resync', data: { type: 'resync' } });
    }
  }

  /** Case events after `lastId` that the user may see now (a reconnecting browser catches up). */
  async missedSince(actor: AppUser, lastId: string, limit = 500): Promise<LiveMessage[] | null> {
    const r = await sql<{ id: string; type: string; case_id: string; created_at: Date }>`
      SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at FROM case_events e
      JOIN cases c ON c.id = e.case_id
      WHERE e.id > ${lastId}::bigint AND ${visibleTo(actor)}
      ORDER BY e.id LIMIT ${limit + 1}`.execute(this.db.kysely);
    if (r.rows.length > limit) return null; // too far behind: the client should refetch everything
    return r.rows.map((e) => ({
      id: e.id,
      event: e.type,
      data: { type: e.type, caseId: e.case_id, at: new Date(e.created_at).toISOString() },
    }));
  }
}

/** Announces a change that concerns one user only (e.g. their preferences), on every process. */
export async function notifyUser(db: Db, userId: string, type: string, at: Date): Promise<void> {
  const notice: Notice = {
    caseId: '',
    ids: [''],
    types: [type],
    audience: { teamIds: [], userIds: [userId] },
    at: at.toISOString(),
    personal: true,
  };
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(db.kysely);
}

/**
 * Inside the transaction that changes users' teams, role or rights (`all`: a role changed):
 * on commit, every process makes those users' live connections re-read their rights before
 * they hear anything more, so a user taken off a team stops hearing of its cases at once.
 */
export async function notifyAccessChanged(trx: Kysely<Database>, userIds: string[] | 'all', at: Date): Promise<void> {
  // A NOTIFY payload holds 8 kB: many users at once are announced as "everyone re-reads".
  const all = userIds === 'all' || userIds.length > 100;
  const notice: Notice = {
    caseId: '',
    ids: [''],
    types: [ACCESS_CHANGED],
    at: at.toISOString(),
    personal: true,
    audience: { teamIds: [], userIds: all ? [] : [...new Set(userIds)] },
    ...(all ? { all: true as const } : {}),
  };
  await sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
}
