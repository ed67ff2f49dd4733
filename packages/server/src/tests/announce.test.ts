import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DB_KINDS, makeTeam, startTestApp, type TestApp } from '../test-support/harness.ts';
import { seedCase } from '../test-support/case-fixtures.ts';
import { eventually } from '../test-support/eventually.ts';
import { appendEvents, EVENTS_CHANNEL, inTransaction, type LiveNotice } from '../outbox/outbox.ts';

describe.each(DB_KINDS)('changes are announced after commit, never before or for a rollback (%s)', (kind) => {
  let t: TestApp;
  let caseId: string;
  const heard: LiveNotice[] = [];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const team = await makeTeam(t.db, 'Announcements');
    caseId = await seedCase(t.db, { teamId: team, createdAt: new Date('2026-05-01T10:00:00Z') });
    stop = await t.db.listen(
      EVENTS_CHANNEL,
      (p) => heard.push(JSON.parse(p) as LiveNotice),
      () => {},
    );
  });
  afterAll(async () => {
    await stop();
    await t.close();
  });

  const record = (trx: Parameters<typeof appendEvents>[0], type: string) =>
    appendEvents(trx, {
      caseId,
      actorId: null,
      at: new Date('2026-05-01T11:00:00Z'),
      audience: { teamIds: [], userIds: [] },
      events: [
        { type, data: { n: 1 } },
        { type: `${type}.second`, data: {} },
      ],
    });

  it('refuses to record outside a transaction that announces on commit', async () => {
    await expect(record(t.db.kysely, 'test.outside')).rejects.toThrow(/inTransaction/);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events WHERE type = 'test.outside'`.execute(t.db.kysely);
    expect(n.rows[0]!.n).toBe(0);
  });

  it('a rolled-back change is never announced; a committed one is, with its history ids in order', async () => {
    await expect(
      inTransaction(t.deps, async (trx) => {
        await record(trx, 'test.rolled_back');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const stored = await inTransaction(t.deps, (trx) => record(trx, 'test.committed'));
    // Announcements leave in commit order: once the later one is heard, the earlier would have been.
    const notice = await eventually(() => {
      const n = heard.find((h) => h.types.includes('test.committed'));
      expect(n).toBeDefined();
      return n!;
    });
    expect(heard.some((h) => h.types.includes('test.rolled_back'))).toBe(false);
    expect(notice).toMatchObject({ caseId, types: ['test.committed', 'test.committed.second'], ids: stored.map((e) => e.id) });
    expect(Number(stored[0]!.id)).toBeLessThan(Number(stored[1]!.id));
  });

  it('many concurrent changes are each announced once', async () => {
    const before = heard.length;
    await Promise.all(Array.from({ length: 25 }, (_, i) => inTransaction(t.deps, (trx) => record(trx, `test.burst${i}`))));
    await eventually(() => expect(heard.length - before).toBe(25));
    const types = heard
      .slice(before)
      .map((h) => h.types[0])
      .sort();
    expect(new Set(types).size).toBe(25);
  });
});
