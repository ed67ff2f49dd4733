import { sql } from 'kysely';
import type { LifecycleEvent } from '@casework/domain';
import type { Deps } from '../deps.ts';
import { removeAbandonedUploads } from '../use-cases/upload-attachment.ts';
import { pruneAuditLog } from '../use-cases/audit/prune-audit-log.ts';
import { applyLifecycle, lockCase } from '../use-cases/case-write.ts';
import { inTransaction, keepSla } from '../outbox/outbox.ts';
import { compactOpenCounts, redundantOpenCounts } from '../db/repos/report-counts.ts';
import { purgeExpiredSpam } from '../use-cases/mailbox/purge-spam.ts';
import { sweepSla } from './sla-sweep.ts';

const BATCH = 100; // one transaction each: on the embedded database it holds the only connection

type Due = { id: string };

/**
 * Applies one timer to every due case, a batch per transaction. Due rows are locked with
 * SKIP LOCKED and re-checked by the domain rule, so two server processes never fire the same
 * timer twice, and a server that was down catches up on start.
 */
async function fire(
  deps: Deps,
  findDue: (limit: number, now: Date) => ReturnType<typeof sql<Due>>,
  eventFor: (now: Date, autoCloseDays: number, lastActivityAt: Date) => LifecycleEvent,
): Promise<number> {
  let fired = 0;
  for (;;) {
    const now = deps.clock.now();
    const n = await inTransaction(deps, async (trx) => {
      const org = await trx.selectFrom('organisation').select('auto_close_days').where('id', '=', 1).executeTakeFirst();
      const due = await findDue(BATCH, now).execute(trx);
      let count = 0;
      for (const { id } of due.rows) {
        const c = await lockCase(trx, id);
        if (!c) continue;
        const applied = await applyLifecycle(trx, c, eventFor(now, org?.auto_close_days ?? 14, c.lastActivityAt), { actor: null, now });
        if (applied.ok) count++; // a refusal: the rule no longer holds on the locked row, the case is left as it is
      }
      return { count, full: due.rows.length === BATCH };
    });
    fired += n.count;
    if (!n.full || n.count === 0) return fired;
  }
}

/** Wakes waiting cases whose wake time has come. Returns how many woke. */
function wakeDueCases(deps: Deps): Promise<number> {
  return fire(
    deps,
    (limit, now) => sql<Due>`SELECT id::text AS id FROM cases
      WHERE status = 'waiting' AND wake_at IS NOT NULL AND wake_at <= ${now}
      ORDER BY wake_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    () => ({ kind: 'timer_wake' }),
  );
}

/**
 * Closes resolved cases with no activity for the organisation's auto-close period. A day is
 * 24 hours here, as in the domain rule: a calendar-day interval would follow the session's
 * time zone and disagree with it by an hour across a daylight-saving switch.
 */
function closeInactiveCases(deps: Deps): Promise<number> {
  return fire(
    deps,
    (limit, now) => sql<Due>`SELECT c.id::text AS id FROM cases c
      WHERE c.status = 'resolved'
        AND c.last_activity_at <= ${now}::timestamptz - make_interval(hours => 24 * (SELECT auto_close_days FROM organisation WHERE id = 1))
      ORDER BY c.last_activity_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    (_now, autoCloseDays, lastActivityAt) => ({ kind: 'auto_close', autoCloseDays, lastActivityAt }),
  );
}

/**
 * Records SLA breaches whose time has come (SPEC §12): cases whose next unrecorded breach
 * (`sla_breach_at`, index cases_sla_breach) is due, locked with SKIP LOCKED a batch per
 * transaction; the domain's reconcileSla on the locked row decides, and marks each breach
 * recorded in the same transaction, so it is recorded once across processes and caught up after
 * downtime. Returns how many breaches were recorded.
 */
async function recordDueBreaches(deps: Deps): Promise<number> {
  let recorded = 0;
  for (;;) {
    const now = deps.clock.now();
    const n = await inTransaction(deps, async (trx) => {
      const due = await sql<Due>`SELECT id::text AS id FROM cases
        WHERE sla_breach_at IS NOT NULL AND sla_breach_at <= ${now}
        ORDER BY sla_breach_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`.execute(trx);
      const count = await keepSla(
        trx,
        due.rows.map((r) => r.id),
        now,
      );
      return { count, full: due.rows.length === BATCH };
    });
    recorded += n.count;
    if (!n.full || n.count === 0) return recorded;
  }
}

/** Open-case delta rows beyond one per team and type that the timer tick lets pile up before folding them. */
const OPEN_COUNTS_SLACK = 500;

/** SLA sweep batches per timer run: the breaches due meanwhile are recorded at the next run, a few seconds later. */
const SWEEP_BATCHES_PER_RUN = 50;

/**
 * Runs every timer once: wake, auto-close, SLA breaches, the deletion of spam past its retention,
 * and up to SWEEP_BATCHES_PER_RUN batches of an SLA sweep asked for by a policy or calendar change
 * (`slaSwept`: the cases swept; tests call this directly with a controlled clock).
 */
export async function runTimersOnce(
  deps: Deps,
): Promise<{ woken: number; closed: number; breached: number; spamDeleted: number; slaSwept: number }> {
  const woken = await wakeDueCases(deps);
  const closed = await closeInactiveCases(deps);
  let breached = await recordDueBreaches(deps);
  const spamDeleted = await purgeExpiredSpam(deps);
  const sweep = await sweepSla(deps, { maxBatches: SWEEP_BATCHES_PER_RUN });
  breached += sweep.breached;
  return { woken, closed, breached, spamDeleted, slaSwept: sweep.cases };
}

/**
 * Runs the timers now (catching up after downtime) and then every interval. `stop` waits for
 * a run in progress, so the database is never closed under a timer's transaction.
 */
export function startTimers(deps: Deps): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const r = await runTimersOnce(deps);
        if (r.woken || r.closed || r.breached || r.spamDeleted || r.slaSwept) deps.log.info(r, 'timers fired');
        // Reports' open-case deltas, folded once a few hundred have piled up (db/repos/report-counts.ts).
        if ((await redundantOpenCounts(deps.db.kysely)) >= OPEN_COUNTS_SLACK) await compactOpenCounts(deps.db.kysely);
        const removed = await removeAbandonedUploads(deps);
        if (removed) deps.log.info({ removed }, 'abandoned uploads removed');
        // Audit entries past the organisation's retention (SPEC §14).
        const pruned = await pruneAuditLog(deps);
        if (pruned) deps.log.info({ pruned }, 'audit log entries past retention removed');
      } catch (err) {
        if (!stopped) deps.log.error({ err }, 'timer run failed');
      } finally {
        running = null;
      }
    })();
  };
  tick();
  const handle = setInterval(tick, deps.config.timerIntervalMs);
  handle.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(handle);
      await running;
    },
  };
}
