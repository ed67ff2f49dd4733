import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { sendNotices, type Audience, type LiveNotice } from '../outbox/notices.ts';

const PRESENCE_CHANNEL = 'casework_presence';
/** A viewer who has not said "still here" for this long has left. */
const PRESENCE_TTL_MS = 45_000;

type Beat = { caseId: string; userId: string; name: string; at: number; leaving?: boolean };
export type Viewer = { userId: string; name: string; since: string };

/**
 * Who has a case open right now. Browsers send a heartbeat while a case page is open; every
 * process hears every heartbeat (NOTIFY), so each keeps the whole picture in memory.
 */
export class Presence {
  readonly #cases = new Map<string, Map<string, { name: string; since: number; seen: number }>>();
  #stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async start(): Promise<void> {
    this.#stop = await this.db.listen(
      PRESENCE_CHANNEL,
      (p) => this.#apply(JSON.parse(p) as Beat),
      () => {},
    );
  }

  async stop(): Promise<void> {
    await this.#stop?.();
  }

  /** Records that a user has the case open (or left it) and tells everyone who may see the case. */
  async beat(caseId: string, userId: string, name: string, audience: Audience, leaving = false): Promise<void> {
    const before = this.viewerIds(caseId);
    const beat: Beat = { caseId, userId, name, at: this.now().getTime(), leaving };
    await sql`SELECT pg_notify(${PRESENCE_CHANNEL}, ${JSON.stringify(beat)})`.execute(this.db.kysely);
    const wasThere = before.includes(userId);
    if (wasThere === !leaving) return;
    const notice: LiveNotice = { caseId, ids: [''], types: ['case.viewers_changed'], audience, at: new Date(beat.at).toISOString() };
    await sendNotices(this.db.kysely, [notice]);
  }

  viewers(caseId: string): Viewer[] {
    const now = this.now().getTime();
    const m = this.#cases.get(caseId);
    if (!m) return [];
    const out: Viewer[] = [];
    for (const [userId, v] of m) {
      if (now - v.seen > PRESENCE_TTL_MS) m.delete(userId);
      else out.push({ userId, name: v.name, since: new Date(v.since).toISOString() });
    }
    if (m.size === 0) this.#cases.delete(caseId);
    return out.sort((a, b) => a.since.localeCompare(b.since));
  }

  viewerIds(caseId: string): string[] {
    return this.viewers(caseId).map((v) => v.userId);
  }

  #apply(b: Beat): void {
    let m = this.#cases.get(b.caseId);
    if (b.leaving) {
      m?.delete(b.userId);
      return;
    }
    if (!m) {
      m = new Map();
      this.#cases.set(b.caseId, m);
    }
    const prev = m.get(b.userId);
    m.set(b.userId, { name: b.name, since: prev?.since ?? b.at, seen: b.at });
  }
}
