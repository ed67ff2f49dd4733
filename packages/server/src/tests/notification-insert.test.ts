import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, call, sql, startTestApp, type TestApp } from '../test-support/harness.ts';
import { makeOrg, type Org } from '../test-support/case-fixtures.ts';
import { insertNotifications, type NewNotification } from '../db/repos/notifications.ts';
import { inTransaction } from '../outbox/outbox.ts';
import { uuidv7 } from '../ids.ts';

describe.each(DB_KINDS)('storing many notifications at once (%s)', (kind) => {
  let t: TestApp;
  let o: Org;
  beforeAll(async () => {
    t = await startTestApp(kind);
    o = await makeOrg(t);
  });
  afterAll(() => t.close());

  it("a batch past one statement's parameter limit (a breach timer's batch telling many supervisors) is stored whole", async () => {
    const c = await call(t, o.admin, 'POST', '/api/v1/cases', { subject: 'Many told', teamId: o.teamA });
    expect(c.statusCode).toBe(201);
    const event = await sql<{ id: string }>`SELECT id::text AS id FROM case_events WHERE case_id = ${c.data.id}::uuid LIMIT 1`.execute(
      t.db.kysely,
    );
    const at = new Date();
    // 6,000 rows × 11 values is past the 65,535 parameters one statement may carry
    const rows: NewNotification[] = Array.from({ length: 6000 }, (_, i) => ({
      id: uuidv7(at.getTime()),
      userId: [o.admin.id, o.supervisor.id, o.agent.id][i % 3]!,
      type: 'case.sla_breached',
      caseId: c.data.id,
      eventId: event.rows[0]!.id,
      actorId: null,
      inApp: true,
      desktop: false,
      emailStatus: 'none',
      createdAt: at,
    }));
    await inTransaction(t.deps, (trx) => insertNotifications(trx, rows));
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications
      WHERE case_id = ${c.data.id}::uuid AND type = 'case.sla_breached'`.execute(t.db.kysely);
    expect(stored.rows[0]!.n).toBe(6000);
  });
});
