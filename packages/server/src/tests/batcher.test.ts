import { describe, expect, it } from 'vitest';
import { Batcher } from '../batcher.ts';

/** A run whose batches finish only when the test says so. */
function controlled() {
  const batches: { items: number[]; finish: (fail?: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `answer ${i}`))) });
    });
  return { batches, run };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('sends an item alone at the end of the turn while nothing else runs', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxInFlight: 1, maxBatch: 10 });
    const a = b.submit(1);
    expect(c.batches).toEqual([]);
    await tick();
    expect(c.batches.map((x) => x.items)).toEqual([[1]]);
    c.batches[0]!.finish();
    expect(await a).toBe('answer 1');
  });

  it('items submitted in one turn go out together, in order, answered each its own', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxInFlight: 1, maxBatch: 10 });
    const answers = [1, 2, 3].map((i) => b.submit(i));
    await tick();
    expect(c.batches.map((x) => x.items)).toEqual([[1, 2, 3]]);
    c.batches[0]!.finish();
    expect(await Promise.all(answers)).toEqual(['answer 1', 'answer 2', 'answer 3']);
  });

  it('items arriving while maxInFlight batches run wait, then go out together as one finishes', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxInFlight: 2, maxBatch: 10 });
    const answers = [b.submit(1)];
    await tick();
    answers.push(b.submit(2));
    await tick();
    answers.push(...[3, 4, 5].map((i) => b.submit(i)));
    await tick();
    expect(c.batches.map((x) => x.items)).toEqual([[1], [2]]);
    c.batches[1]!.finish();
    await tick();
    expect(c.batches.map((x) => x.items)).toEqual([[1], [2], [3, 4, 5]]);
    c.batches[0]!.finish();
    c.batches[2]!.finish();
    expect(await Promise.all(answers)).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4', 'answer 5']);
  });

  it('never sends more than maxBatch items at once', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxInFlight: 1, maxBatch: 3 });
    const answers = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => b.submit(i));
    await tick();
    for (let k = 0; k < 2; k++) {
      c.batches[k]!.finish();
      await tick();
    }
    expect(c.batches.map((x) => x.items)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    c.batches[2]!.finish();
    expect(await Promise.all(answers)).toHaveLength(8);
  });

  it('a failed batch fails its own items only, and the next batch still goes', async () => {
    const c = controlled();
    const b = new Batcher(c.run, { maxInFlight: 1, maxBatch: 10 });
    const first = b.submit(1);
    await tick();
    const later = [2, 3].map((i) => b.submit(i));
    await tick();
    c.batches[0]!.finish(new Error('lost connection'));
    await expect(first).rejects.toThrow('lost connection');
    await tick();
    expect(c.batches.map((x) => x.items)).toEqual([[1], [2, 3]]);
    c.batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['answer 2', 'answer 3']);
  });
});
