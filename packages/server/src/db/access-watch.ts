import type { CompiledQuery, DatabaseConnection, Driver, QueryResult, TransactionSettings } from 'kysely';
import { performance } from 'node:perf_hooks';
import { countStatement, currentTiming } from './request-timing.ts';

type QueryOptions = Parameters<DatabaseConnection['executeQuery']>[1];
type AcquireOptions = Parameters<Driver['acquireConnection']>[0];

/**
 * The tables that decide who a credential is and what it may do (user, role, teams and
 * memberships — deleting a team deletes its memberships —, token, session, a scoped token's
 * channel, the organisation's time zone), and the custom field definitions. Cached identities
 * (auth/identity-cache.ts) and definitions (db/repos/case-fields.ts) are valid only while none of
 * these changed.
 */
const ACCESS_TABLES = [
  'users',
  'roles',
  'teams',
  'team_members',
  'api_tokens',
  'sessions',
  'channels',
  'organisation',
  'case_fields',
] as const;

/** The channel on which PostgreSQL announces committed changes of those tables (migration 009). */
export const ACCESS_CHANNEL = 'casework_access';

/** Put in a statement that writes an access table without changing access (a token's last use). */
export const ACCESS_NEUTRAL = '/* access-neutral */';

const WRITES = new RegExp(`\\b(?:update|insert\\s+into|delete\\s+from)\\s+"?(?:${ACCESS_TABLES.join('|')})"?(?=[\\s(]|$)`, 'i');

/** Whether a statement may change what a credential resolves to. */
export const writesAccess = (sql: string): boolean => WRITES.test(sql) && !sql.includes(ACCESS_NEUTRAL);

/**
 * Wraps a driver so that `onChange` runs after every write to an access table has taken effect:
 * at once outside a transaction, after the commit inside one (never for a rollback). This is the
 * local half of identity-cache invalidation; other processes learn of changes by NOTIFY.
 */
export function watchAccessWrites(inner: Driver, onChange: () => void): Driver {
  const inTx = new WeakSet<DatabaseConnection>();
  const dirty = new WeakSet<DatabaseConnection>();
  const outerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const un = (c: DatabaseConnection) => innerOf.get(c) ?? c;
  // Around one statement on `self`: inside a transaction a write marks it for the commit,
  // outside one it counts once the statement has run. Every statement also counts, with its
  // time, for the request it runs for (no allocation per statement).
  const wrap = (conn: DatabaseConnection): DatabaseConnection => {
    const self: DatabaseConnection = {
      async executeQuery<R>(q: CompiledQuery, options?: QueryOptions): Promise<QueryResult<R>> {
        const watched = writesAccess(q.sql);
        if (watched && inTx.has(self)) dirty.add(self);
        const timing = currentTiming();
        const t0 = timing ? performance.now() : 0;
        if (timing?.trace) timing.trace.statements.push({ sql: q.sql, parameters: q.parameters });
        try {
          return await conn.executeQuery<R>(q, options);
        } finally {
          countStatement(timing, t0);
          if (watched && !inTx.has(self)) onChange();
        }
      },
      async *streamQuery<R>(q: CompiledQuery, chunkSize: number, options?: QueryOptions): AsyncIterableIterator<QueryResult<R>> {
        const watched = writesAccess(q.sql);
        if (watched && inTx.has(self)) dirty.add(self);
        const timing = currentTiming();
        const t0 = timing ? performance.now() : 0;
        try {
          yield* conn.streamQuery<R>(q, chunkSize, options);
        } finally {
          countStatement(timing, t0);
          if (watched && !inTx.has(self)) onChange();
        }
      },
    };
    outerOf.set(conn, self);
    innerOf.set(self, conn);
    return self;
  };
  /** BEGIN, COMMIT and ROLLBACK go to the inner connection: they count here. */
  const timed = async (run: () => Promise<void>) => {
    const timing = currentTiming();
    const t0 = timing ? performance.now() : 0;
    try {
      await run();
    } finally {
      countStatement(timing, t0);
    }
  };
  return {
    init: () => inner.init(),
    async acquireConnection(options?: AcquireOptions) {
      const conn = await inner.acquireConnection(options);
      return outerOf.get(conn) ?? wrap(conn);
    },
    releaseConnection: (c, options?: AcquireOptions) => inner.releaseConnection(un(c), options),
    async beginTransaction(c: DatabaseConnection, s: TransactionSettings) {
      await timed(() => inner.beginTransaction(un(c), s));
      inTx.add(c);
    },
    async commitTransaction(c: DatabaseConnection) {
      try {
        const timing = currentTiming();
        const db0 = timing?.dbMs ?? 0;
        await timed(() => inner.commitTransaction(un(c))).finally(() => {
          if (timing) timing.commitMs += timing.dbMs - db0;
        });
      } finally {
        inTx.delete(c);
        if (dirty.has(c)) {
          dirty.delete(c);
          onChange(); // after a failed COMMIT too: whether it took effect is unknown
        }
      }
    },
    async rollbackTransaction(c: DatabaseConnection) {
      inTx.delete(c);
      dirty.delete(c);
      await timed(() => inner.rollbackTransaction(un(c)));
    },
    savepoint: inner.savepoint && ((c, name, compile) => inner.savepoint!(un(c), name, compile)),
    rollbackToSavepoint: inner.rollbackToSavepoint && ((c, name, compile) => inner.rollbackToSavepoint!(un(c), name, compile)),
    releaseSavepoint: inner.releaseSavepoint && ((c, name, compile) => inner.releaseSavepoint!(un(c), name, compile)),
    destroy: () => inner.destroy(),
  };
}
