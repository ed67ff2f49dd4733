import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from 'pino';
import type { Db } from '../db/connect.ts';
import type { AppUser } from '../auth/actor.ts';
import {
  CUSTOMER_UPDATED,
  EVENTS_CHANNEL,
  NOTIFICATION_CREATED,
  audienceOf,
  dedupe,
  sendNotices,
  type Audience,
  type LiveNotice,
} from '../outbox/notices.ts';
import { seenTeams, seesEveryCase } from '@casework/domain';
import { visibleTo } from '../db/sql-rules.ts';
import { HeardLog } from './heard-log.ts';

export type LiveMessage = { id?: string; event: string; data: Record<string, unknown> };
/**
 * A connected browser. `reload` re-reads its user (teams, role) from the database, or closes it if
 * signed out. `close(retryMs)` ends the stream telling the browser to reconnect after that long.
 */
export type LiveClient = { actor: AppUser; send(m: LiveMessage): void; close(retryMs?: number): void; reload?(): Promise<void> };

/** The browser reconnects this soon after its stream was closed by a stopping process or a lost notice connection. */
const RECONNECT_MS = 500;

/** How often committed case events are checked against what was heard (see LiveHub.#sweep). */
const SWEEP_MS = 1000;
/** Case events read per check at most: the sweep keeps up with half as many per second. */
const SWEEP_ROWS = 10_000;
/**
 * Events older than this are not told late: the heard log keeps a minute, so an older one may
 * have been heard and forgotten (a sweep that fell behind would tell it again, long after).
 */
const SWEEP_MAX_AGE = '50 seconds';

/** `access.changed` makes the listed users' connections (all: every user's) re-read their rights. */
type Notice = LiveNotice;
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
  /**
   * Clients by who they are and what they see: `u:<user>`, `t:<team>` for each team they see,
   * `*` when they see every case. A notice is judged only for the clients under its audience's
   * keys, so its cost follows who may hear it, not how many are connected.
   */
  readonly #index = new Map<string, Set<LiveClient>>();
  readonly #keys = new Map<LiveClient, string[]>();
  /** Clients whose rights are being re-read: notices wait here, to be judged by the fresh rights. */
  readonly #held = new Map<LiveClient, { notices: { n: Notice; told?: Set<LiveClient> }[]; again: boolean }>();
  /**
   * For each notice heard in parts (noticeParts), the clients already told of it, until all its
   * parts arrived: a client under several parts' audiences hears the notice once.
   */
  readonly #split = new Map<string, { told: Set<LiveClient>; heard: number }>();
  readonly #heard = new HeardLog();
  #stop: (() => Promise<void>) | null = null;
  /** The sweep (PostgreSQL): its timer, the id it reads above, the highest id its last read saw, and ids seen unheard once. */
  #sweeper: NodeJS.Timeout | null = null;
  #sweepFrom = 0n;
  #sweepSeen = 0n;
  readonly #unheard = new Set<bigint>();
  /** Ids the sweep told (the most recent 10,000): their announcement, should it still come, is not told again. */
  readonly #toldLate = new Set<bigint>();
  #sweeping = false;
  #closing = false;
  /** Streams dropped because their client stopped reading (counted for /metrics). */
  dropped = 0;
  /** Notices heard (counted for /metrics). */
  heard = 0;
  /** Case events told late: committed, never announced (counted for /metrics). */
  late = 0;
  /** Streams a notice was judged for (counted for /metrics): grows with audiences, not with connections. */
  judged = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    /** How often the sweep checks (PostgreSQL; 0: never). */
    private readonly sweepMs = SWEEP_MS,
  ) {}

  async start(): Promise<void> {
    this.#stop = await this.db.listen(
      EVENTS_CHANNEL,
      (p) => this.#dispatch(p),
      () => this.#resyncAll(),
    );
    // Several processes share PostgreSQL: one that dies between a commit and its announcement
    // (outbox/announcer.ts) leaves the others' browsers without that notice. The sweep finds such
    // events in the history and tells them late. The embedded database has one process.
    if (this.db.kind === 'postgres' && this.sweepMs > 0) {
      const top = await sql<{ id: string }>`SELECT coalesce(max(id), 0)::text AS id FROM case_events`.execute(this.db.kysely);
      this.#sweepFrom = this.#sweepSeen = BigInt(top.rows[0]?.id ?? '0');
      this.#sweeper = setInterval(() => void this.#sweep(), this.sweepMs);
      this.#sweeper.unref();
    }
  }

  /**
   * Case events committed but not heard (their writer died before announcing them) are told to the
   * browsers that may see their case now, as their announcement would have. Each check reads the
   * events above the highest id the check before the last one saw, so every event is read twice,
   * one check apart (an event whose lower id committed after a higher one gets its second look);
   * one still unheard at its second reading is told then, at most two checks after its commit.
   * Imports (announced as one notice without ids) and events older than SWEEP_MAX_AGE are left
   * out, but read past.
   */
  async #sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      // Ids alone first (a range of the primary key): the cases are read only for events to tell.
      const rows = (
        await sql<{ id: string; type: string; fresh: boolean }>`SELECT e.id::text AS id, e.type,
            e.created_at > now() - ${SWEEP_MAX_AGE}::interval AS fresh
          FROM case_events e WHERE e.id > ${this.#sweepFrom.toString()}::bigint ORDER BY e.id LIMIT ${SWEEP_ROWS}`.execute(this.db.kysely)
      ).rows;
      let top = this.#sweepSeen;
      const tell: string[] = [];
      for (const r of rows) {
        const id = BigInt(r.id);
        if (id > top) top = id;
        if (r.type === 'case.imported' || !r.fresh || this.#heard.has(id)) this.#unheard.delete(id);
        else if (this.#unheard.delete(id)) tell.push(r.id);
        else this.#unheard.add(id);
      }
      if (tell.length) await this.#tellLate(tell);
      this.#sweepFrom = this.#sweepSeen;
      this.#sweepSeen = top;
      for (const id of this.#unheard) if (id <= this.#sweepFrom) this.#unheard.delete(id);
    } catch (err) {
      this.log.warn({ err }, 'live sweep failed; next check soon');
    } finally {
      this.#sweeping = false;
    }
  }

  /** Tells these case events (still not heard) to the streams that may see their case now. */
  async #tellLate(ids: string[]): Promise<void> {
    type Row = {
      id: string;
      type: string;
      case_id: string;
      created_at: Date;
      team_id: string;
      owner_id: string | null;
      followers: string[];
    };
    const rows = await sql<Row>`SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at, c.team_id::text AS team_id,
        c.owner_id::text AS owner_id, ARRAY(SELECT f.user_id::text FROM case_collaborators f WHERE f.case_id = e.case_id) AS followers
      FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.id = ANY(${ids}::bigint[]) ORDER BY e.id`.execute(this.db.kysely);
    for (const r of rows.rows) {
      const id = BigInt(r.id);
      if (this.#heard.has(id)) continue; // announced meanwhile
      this.late++;
      this.#hear({
        caseId: r.case_id,
        ids: [r.id],
        types: [r.type],
        audience: dedupe(audienceOf({ teamId: r.team_id, ownerId: r.owner_id, collaboratorIds: r.followers })),
        at: new Date(r.created_at).toISOString(),
      });
      this.#toldLate.add(id);
      if (this.#toldLate.size > 10_000) this.#toldLate.delete(this.#toldLate.values().next().value!);
    }
  }

  /** Ends every stream with a hint to reconnect soon (the process is stopping): browsers resume elsewhere. */
  closeAll(retryMs = RECONNECT_MS): void {
    for (const c of [...this.#clients]) c.close(retryMs);
  }

  /** The process is stopping: end every stream with the reconnect hint, and any that opens from now on. */
  closeForGood(): void {
    this.#closing = true;
    this.closeAll();
  }

  async stop(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const c of [...this.#clients]) c.close(RECONNECT_MS);
    this.#clients.clear();
    this.#index.clear();
    this.#keys.clear();
    await this.#stop?.();
  }

  get size(): number {
    return this.#clients.size;
  }

  add(client: LiveClient): () => void {
    if (this.#closing) {
      client.close(RECONNECT_MS);
      return () => {};
    }
    this.#clients.add(client);
    this.reindex(client);
    return () => {
      this.#clients.delete(client);
      this.#held.delete(client);
      this.#unindex(client);
    };
  }

  /** Files the client under its current user's keys (after its rights were re-read). */
  reindex(client: LiveClient): void {
    if (!this.#clients.has(client)) return;
    this.#unindex(client);
    const a = client.actor;
    const keys = [`u:${a.id}`, ...(seesEveryCase(a) ? ['*'] : seenTeams(a).map((t) => `t:${t}`))];
    this.#keys.set(client, keys);
    for (const k of keys) {
      const set = this.#index.get(k) ?? new Set<LiveClient>();
      this.#index.set(k, set);
      set.add(client);
    }
  }

  #unindex(client: LiveClient): void {
    for (const k of this.#keys.get(client) ?? []) {
      const set = this.#index.get(k);
      set?.delete(client);
      if (set?.size === 0) this.#index.delete(k);
    }
    this.#keys.delete(client);
  }

  /** The clients filed under any of these keys, and every client whose rights are being re-read. */
  #under(keys: string[]): Set<LiveClient> {
    const out = new Set<LiveClient>(this.#held.keys());
    for (const k of keys) for (const c of this.#index.get(k) ?? []) out.add(c);
    return out;
  }

  #dispatch(payload: string): void {
    let n: Notice;
    try {
      n = JSON.parse(payload) as Notice;
    } catch {
      this.log.warn('unreadable live notice');
      return;
    }
    this.heard++;
    this.#hear(n);
  }

  #hear(n: Notice): void {
    const told = n.split ? this.#partOf(n) : undefined;
    const users = (ids: string[]) => ids.map((u) => `u:${u}`);
    if (n.types.includes(ACCESS_CHANGED)) {
      for (const client of n.all ? [...this.#clients] : this.#under(users(n.audience.userIds))) this.#reload(client);
      return;
    }
    if (!n.recipients && !n.personal) {
      const ids = n.ids.filter((id) => /^\d{1,18}$/.test(id)).map(BigInt);
      // The announcement of events the sweep already told (it came that late): not told twice.
      if (!n.split && ids.length > 0 && ids.every((id) => this.#toldLate.has(id))) return;
      for (const id of ids) this.#heard.add(id);
    }
    const keys = n.recipients
      ? users(n.recipients.map((r) => r.userId))
      : n.personal
        ? users(n.audience.userIds)
        : ['*', ...n.audience.teamIds.map((t) => `t:${t}`), ...users(n.audience.userIds)];
    const under = this.#under(keys);
    this.judged += under.size;
    for (const client of under) this.#deliver(client, n, told);
  }

  /** The clients already told of the notice this part belongs to (forgotten once all its parts arrived). */
  #partOf(n: Notice): Set<LiveClient> {
    const key = n.split!;
    const entry = this.#split.get(key) ?? { told: new Set<LiveClient>(), heard: 0 };
    entry.heard++;
    if (entry.heard >= (n.parts ?? 1)) this.#split.delete(key);
    else if (!this.#split.has(key)) {
      this.#split.set(key, entry);
      // Parts of a notice arrive together; one whose other parts never come is not kept for long.
      if (this.#split.size > 100) this.#split.delete(this.#split.keys().next().value!);
    }
    return entry.told;
  }

  #deliver(client: LiveClient, n: Notice, told?: Set<LiveClient>): void {
    const held = this.#held.get(client);
    if (held) {
      held.notices.push({ n, told });
      return;
    }
    if (told?.has(client)) return;
    if (n.recipients) {
      // A notification: to its user only, and only while they may still see the case.
      const mine = n.recipients.find((r) => r.userId === client.actor.id);
      if (mine && mayHear(client.actor, n.audience)) {
        told?.add(client);
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
      told?.add(client);
      for (const [i, type] of n.types.entries())
        client.send({
          id: n.ids[i],
          event: type,
          data: { type, caseId: n.caseId || null, at: n.at, ...(n.customerId ? { customerId: n.customerId } : {}) },
        });
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
    const state = { notices: [] as { n: Notice; told?: Set<LiveClient> }[], again: true };
    this.#held.set(client, state);
    void (async () => {
      while (state.again) {
        state.again = false;
        await client.reload!().catch((err) => this.log.warn({ err }, 'live client reload failed'));
      }
      if (this.#held.get(client) !== state) return; // disconnected meanwhile
      this.#held.delete(client);
      this.reindex(client);
      for (const { n, told } of state.notices) this.#deliver(client, n, told);
      client.send({ event: 'resync', data: { type: 'resync' } });
    })();
  }

  #resyncAll(): void {
    // Notices were lost while the listening connection was down (access changes among them):
    // every stream ends and its browser resumes from its Last-Event-ID, read from the history
    // with fresh rights, so it misses no event.
    this.log.warn({ clients: this.#clients.size }, 'live notices may have been missed: streams reconnect and resume');
    this.closeAll();
  }

  /**
   * Case events the user may see now and has not been sent, for a browser that resumes after
   * `lastId`: those after it, and the lower ids committed after it (see HeardLog). Where this
   * process did not hear `lastId`, the lower ids of the last seconds are replayed whole (a
   * browser may get an event twice, with its id: harmless, as events only say what to refetch).
   * Null when too far behind: the client should refetch everything.
   */
  async missedSince(actor: AppUser, lastId: string, limit = 500): Promise<LiveMessage[] | null> {
    type Row = { id: string; type: string; case_id: string; created_at: Date };
    const last = BigInt(lastId);
    const back = this.#heard.lookback(last);
    const late = back
      ? back.from < last
        ? sql<Row>`SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at FROM case_events e
            JOIN cases c ON c.id = e.case_id
            WHERE e.id >= ${back.from.toString()}::bigint AND e.id < ${lastId}::bigint
              AND NOT (e.id = ANY(${back.seen.map(String)}::bigint[])) AND ${visibleTo(actor)}
            ORDER BY e.id LIMIT ${limit + 1}`
        : null
      : sql<Row>`SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at FROM case_events e
          JOIN cases c ON c.id = e.case_id
          WHERE e.id < ${lastId}::bigint AND e.id > ${lastId}::bigint - 1000
            AND e.created_at > now() - interval '10 seconds' AND ${visibleTo(actor)}
          ORDER BY e.id LIMIT ${limit + 1}`;
    const earlier = late ? (await late.execute(this.db.kysely)).rows : [];
    const after = await sql<Row>`
      SELECT e.id::text AS id, e.type, e.case_id::text AS case_id, e.created_at FROM case_events e
      JOIN cases c ON c.id = e.case_id
      WHERE e.id > ${lastId}::bigint AND ${visibleTo(actor)}
      ORDER BY e.id LIMIT ${limit + 1}`.execute(this.db.kysely);
    const rows = [...earlier, ...after.rows];
    if (rows.length > limit) return null;
    return rows.map((e) => ({
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
  await sendNotices(db.kysely, [notice]);
}

/**
 * Inside the transaction that changes users' teams, role or rights (`all`: a role changed):
 * on commit, every process makes those users' live connections re-read their rights before
 * they hear anything more, so a user taken off a team stops hearing of its cases at once.
 */
export async function notifyAccessChanged(trx: Kysely<Database>, userIds: string[] | 'all', at: Date): Promise<void> {
  const all = userIds === 'all';
  const notice: Notice = {
    caseId: '',
    ids: [''],
    types: [ACCESS_CHANGED],
    at: at.toISOString(),
    personal: true,
    audience: { teamIds: [], userIds: all ? [] : [...new Set(userIds)] },
    ...(all ? { all: true as const } : {}),
  };
  await sendNotices(trx, [notice]);
}

/**
 * Inside the transaction that changes customers' details (an edit, a merge): on commit, everyone
 * who may see each customer hears `customer.updated` with its id. A user sees a customer when they
 * see one of the customer's cases (canViewCustomer), so the audience is every such case's audience
 * (its team, owner and collaborators: the hub's mayHear is canView) — and those who see every case.
 */
export async function notifyCustomerChanged(trx: Kysely<Database>, customerIds: string[], at: Date): Promise<void> {
  const r = await sql<{ team_ids: string[] | null; user_ids: string[] | null }>`SELECT
      (SELECT array_agg(DISTINCT c.team_id::text) FROM cases c WHERE c.customer_id = ANY(${customerIds}::uuid[])) AS team_ids,
      (SELECT array_agg(DISTINCT u) FROM (
        SELECT c.owner_id::text AS u FROM cases c WHERE c.customer_id = ANY(${customerIds}::uuid[]) AND c.owner_id IS NOT NULL
        UNION SELECT cc.user_id::text FROM case_collaborators cc JOIN cases c ON c.id = cc.case_id
          WHERE c.customer_id = ANY(${customerIds}::uuid[])) x) AS user_ids`.execute(trx);
  const audience = { teamIds: r.rows[0]?.team_ids ?? [], userIds: r.rows[0]?.user_ids ?? [] };
  await sendNotices(
    trx,
    customerIds.map((customerId) => ({ caseId: '', ids: [''], types: [CUSTOMER_UPDATED], audience, at: at.toISOString(), customerId })),
  );
}
