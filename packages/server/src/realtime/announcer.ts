import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';

/**
 * Announces committed changes to every process (LISTEN on `channel`), after their transaction
 * committed and batched: whatever commits while one announcement is being sent goes out in the
 * next, as one statement.
 *
 * Why not NOTIFY inside the writing transaction: PostgreSQL serialises the commits of all
 * transactions that notified (a database-wide lock held through the commit's WAL flush), so
 * concurrent writers would each wait for the others' disk flushes; announcing after commit keeps
 * group commit. The cost: a process that dies in the milliseconds between a commit and its
 * announcement leaves other processes' live clients without that notice; the change itself is
 * committed, a reconnecting client reads it from the history (Last-Event-ID), and every process's
 * sweep tells the connected ones within seconds (LiveHub).
 */
export class Announcer {
  #queue: { channel: string; payload: string }[] = [];
  #sending: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void = (err) =>
      process.emitWarning(`Live notices could not be announced: ${(err as Error).message}`),
  ) {}

  /** Sends these notices on `channel` to every listening process, soon, in order. */
  announce(channel: string, payloads: string[]): void {
    for (const payload of payloads) this.#queue.push({ channel, payload });
    if (!this.#sending && this.#queue.length > 0) this.#sending = this.#drain();
  }

  /** Resolves once everything announced so far has been sent (or failed): before closing the database. */
  async settled(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, 500);
        try {
          await sql`SELECT pg_notify(n.channel, n.payload)
            FROM unnest(${batch.map((b) => b.channel)}::text[], ${batch.map((b) => b.payload)}::text[]) AS n(channel, payload)`.execute(
            this.db.kysely,
          );
        } catch {
          // One notice the database refuses (e.g. a payload over its 8,000 bytes) must not silence
          // the rest of the batch: send them one by one, reporting only those that fail.
          for (const b of batch) {
            try {
              await sql`SELECT pg_notify(${b.channel}, ${b.payload})`.execute(this.db.kysely);
            } catch (err) {
              this.onError(err);
            }
          }
        }
      }
    } finally {
      this.#sending = null;
    }
  }
}
