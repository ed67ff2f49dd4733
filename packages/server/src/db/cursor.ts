import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema.ts';

/**
 * A query's rows in batches of `batch`, read through a cursor (PostgreSQL): one statement planned
 * for reading every row (cursor_tuple_fraction 1), one snapshot, and no more than two batches
 * read ahead of the reader (so the database works while the reader writes), however many rows it
 * returns. The cursor lives in a
 * transaction on a connection of its own until the last batch is read or the reader stops (a
 * `return` from the generator, as when a download is abandoned).
 *
 * Not for the embedded database: its one connection would be held for the whole read.
 */
export async function* readByCursor<T>(db: Kysely<Database>, query: RawBuilder<T>, batch: number): AsyncGenerator<T[]> {
  const ready: T[][] = [];
  let done = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  // Wakes the reader (a batch, the end or a failure) and the transaction (room for the next batch, or stop).
  let wakeReader: () => void = () => {};
  let wakeCursor: () => void = () => {};
  const reading = db
    .transaction()
    .execute(async (trx) => {
      await sql`SET LOCAL cursor_tuple_fraction = 1`.execute(trx);
      await sql`DECLARE export_cursor NO SCROLL CURSOR FOR ${query}`.execute(trx);
      for (;;) {
        const { rows } = await sql<T>`FETCH FORWARD ${sql.lit(batch)} FROM export_cursor`.execute(trx);
        if (rows.length) ready.push(rows);
        if (rows.length < batch) return;
        wakeReader();
        while (ready.length > 1 && !stopped) await new Promise<void>((resolve) => (wakeCursor = resolve));
        if (stopped) return;
      }
    })
    .then(
      () => {
        done = true;
      },
      (error: unknown) => {
        failure = { error };
      },
    )
    .finally(() => wakeReader());
  try {
    for (;;) {
      while (ready.length === 0 && !done && !failure) await new Promise<void>((resolve) => (wakeReader = resolve));
      const rows = ready.shift();
      if (rows) {
        wakeCursor();
        yield rows;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      return;
    }
  } finally {
    stopped = true;
    wakeCursor();
    await reading;
  }
}
