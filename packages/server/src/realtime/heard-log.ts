/**
 * The case event ids this process heard announced, in the order it heard them: commit order,
 * the same for every process (PostgreSQL delivers notifications in the order their
 * transactions committed). Ids come from a sequence taken before commit, so a transaction can
 * commit event 104 after another committed 105: a client that saw 105 and then lost its stream
 * has not seen 104. Resuming from its Last-Event-ID therefore also replays the lower ids of the
 * last moments that had not been heard by the time its last event was.
 */
export class HeardLog {
  readonly #ids: bigint[] = [];
  readonly #at: number[] = [];
  /** Sequence number of each id's entry (the index in #ids plus #dropped). */
  readonly #seq = new Map<bigint, number>();
  #dropped = 0;

  constructor(
    private readonly keepMs = 60_000,
    private readonly keepMax = 100_000,
    /** How far back, before the last event a client saw, a late commit is looked for. */
    private readonly lookbackMs = 10_000,
  ) {}

  /** Whether this id was heard (within what the log still keeps). */
  has(id: bigint): boolean {
    return this.#seq.has(id);
  }

  add(id: bigint, now = Date.now()): void {
    if (this.#seq.has(id)) return;
    this.#seq.set(id, this.#dropped + this.#ids.length);
    this.#ids.push(id);
    this.#at.push(now);
    let cut = 0;
    while (cut < this.#ids.length && (this.#ids.length - cut > this.keepMax || this.#at[cut]! < now - this.keepMs)) cut++;
    if (cut > 1000 || (cut > 0 && this.#ids.length > this.keepMax)) this.#cut(cut);
  }

  #cut(n: number): void {
    for (const id of this.#ids.splice(0, n)) this.#seq.delete(id);
    this.#at.splice(0, n);
    this.#dropped += n;
  }

  /**
   * For a client whose last event was `lastId`: the lowest id to look back to and the ids below
   * `lastId` it has already been sent (heard no later than `lastId`). Null when this process did
   * not hear `lastId` (it started later, or too long ago).
   */
  lookback(lastId: bigint): { from: bigint; seen: bigint[] } | null {
    const seq = this.#seq.get(lastId);
    if (seq === undefined) return null;
    const end = seq - this.#dropped;
    const since = this.#at[end]! - this.lookbackMs;
    let from = lastId;
    let start = end;
    while (start > 0 && this.#at[start - 1]! >= since) start--;
    // Heard in the moments before it, and anything lower heard after it (a late commit).
    for (let i = start; i < this.#ids.length; i++) if (this.#ids[i]! < from) from = this.#ids[i]!;
    const seen: bigint[] = [];
    for (let i = 0; i <= end; i++) {
      const id = this.#ids[i]!;
      if (id >= from && id < lastId) seen.push(id);
    }
    return { from, seen };
  }
}
