/**
 * Natural batching without timers: items submitted in the same turn of the event loop, and items
 * submitted while `maxInFlight` batches are running, go out together (up to `maxBatch`) at the end
 * of that turn or as soon as a running batch finishes. With no load an item waits one turn of the
 * event loop (no timer) and travels alone; under load one round trip and one commit serve many.
 *
 * Gathering for one turn matters where the database client runs in this thread (the embedded
 * database): its statements block the event loop, so requests are read, and their items
 * submitted, only between statements, never while one runs.
 *
 * `run` answers each item of a batch in order; if it throws, every item of that batch gets the
 * error (callers that must isolate items retry them alone, see claim-next).
 */
export class Batcher<I, O> {
  #waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  #running = 0;
  #scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly limits: { maxInFlight: number; maxBatch: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#running < this.limits.maxInFlight && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.limits.maxBatch);
      this.#running++;
      void this.#send(batch);
    }
  }

  async #send(batch: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[]): Promise<void> {
    try {
      const out = await this.run(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(out[i]!);
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.#running--;
      this.#pump();
    }
  }
}
