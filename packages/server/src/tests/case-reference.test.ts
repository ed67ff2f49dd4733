import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';

// References the next cases draw before random ones: lets a test make them collide.
const forced = vi.hoisted(() => ({ refs: [] as string[] }));
vi.mock('../ids.ts', async (original) => {
  const real = await original<typeof import('../ids.ts')>();
  return { ...real, newReference: () => forced.refs.shift() ?? real.newReference() };
});

describe.each(DB_KINDS)("a new case's reference (%s)", (kind) => {
  let t: TestApp;
  let o: Org;
  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterEach(() => {
    forced.refs.length = 0;
  });
  afterAll(() => t.close());

  const create = (subject: string) => call(t, o.agent, 'POST', '/api/v1/cases', { subject, teamId: o.teamA });
  const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.db.kysely)).rows[0]!.n;

  it('a reference already taken is drawn again: the case gets the next free one', async () => {
    forced.refs.push('TAKEN2');
    const first = await create('First');
    expect(first.statusCode).toBe(201);
    expect(first.data.reference).toBe('TAKEN2');
    forced.refs.push('TAKEN2', 'TAKEN2', 'FREE23');
    const second = await create('Second');
    expect(second.statusCode).toBe(201);
    expect(second.data.reference).toBe('FREE23');
    expect(forced.refs).toEqual([]);
  });

  it('six taken draws in a row refuse the case (500) and write nothing', async () => {
    forced.refs.push('BUSY22');
    expect((await create('Holder')).statusCode).toBe(201);
    const before = await count();
    forced.refs.push(...Array.from({ length: 6 }, () => 'BUSY22'));
    const r = await create('Unlucky');
    expect(r.statusCode).toBe(500);
    expect(await count()).toBe(before);
  });
});
