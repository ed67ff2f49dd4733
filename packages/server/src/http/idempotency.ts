import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from './auth-hook.ts';
import { conflict, invalid } from '../errors.ts';
import { inTransaction, joinTransaction } from '../outbox/outbox.ts';

type Answer<T> = { status: number; body: T };

/**
 * With an `Idempotency-Key` header, the first answer of a creating request is stored and a
 * repeat (same user and route) gets it again instead of creating twice. The key is reserved
 * before the work starts, so two concurrent repeats cannot both create.
 *
 * The work and its stored answer commit together: `run` is given deps whose use cases join one
 * transaction, which also writes the answer onto the reservation. A process that dies (or loses
 * its database) at any moment leaves either both or neither, so a repeat never does the work a
 * second time and never misses an answer.
 *
 * A reservation carries its holder and a lease (`idempotencyLeaseMs`, renewed while the request
 * runs). If the holder died mid-request, its transaction rolled back; the lease runs out and the
 * next repeat takes the reservation over (one statement, so only one of several concurrent
 * repeats wins) and runs the request once. A holder whose reservation was taken over meanwhile
 * (it ran longer than its lease without renewing it) rolls its work back. A request that failed
 * releases its key.
 */
export async function withIdempotency<T>(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  run: (deps: Deps) => Promise<Answer<T>>,
): Promise<Answer<T>> {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return run(deps);
  const key = Array.isArray(raw) ? raw[0]! : raw;
  if (key.length < 1 || key.length > 200) throw invalid([{ field: 'Idempotency-Key', message: 'must be 1–200 characters' }]);
  const scope = `${actorOf(req).id}:${req.routeOptions.url}`;
  const db = deps.db.kysely;
  const holder = randomUUID();
  const leaseEnd = () => new Date(deps.clock.now().getTime() + deps.config.idempotencyLeaseMs);
  // This key's row, through the database or through the transaction that stores the answer.
  const keyRow = (on: Kysely<Database>) => on.updateTable('idempotency_keys').where('scope', '=', scope).where('key', '=', key);
  const thisKey = keyRow(db);

  const reserve = async () =>
    Boolean(
      await db
        .insertInto('idempotency_keys')
        .values({ scope, key, status_code: 0, body: 'null', holder, lease_until: leaseEnd() })
        .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst(),
    );
  // Takes over a reservation whose lease ran out; the row lock makes concurrent takeovers queue,
  // and each re-checks the lease, so only the first succeeds.
  const takeOver = async () =>
    Boolean(
      await thisKey
        .set({ holder, lease_until: leaseEnd() })
        .where('status_code', '=', 0)
        .where('lease_until', '<=', deps.clock.now())
        .returning('key')
        .executeTakeFirst(),
    );

  if (!(await reserve())) {
    const giveUpAt = Date.now() + deps.config.idempotencyWaitMs;
    for (;;) {
      const seen = await db
        .selectFrom('idempotency_keys')
        .select(['status_code', 'body', 'lease_until'])
        .where('scope', '=', scope)
        .where('key', '=', key)
        .executeTakeFirst();
      if (seen && seen.status_code !== 0) {
        reply.header('idempotent-replayed', 'true');
        return { status: seen.status_code, body: seen.body as T };
      }
      if (!seen ? await reserve() : new Date(seen.lease_until) <= deps.clock.now() && (await takeOver())) break;
      if (Date.now() >= giveUpAt) throw conflict('A request with this Idempotency-Key is still being processed.');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // While the work runs, keep the lease ours so a slow request is not taken for a dead one.
  const renew = setInterval(
    () => {
      void thisKey
        .set({ lease_until: leaseEnd() })
        .where('holder', '=', holder)
        .where('status_code', '=', 0)
        .execute()
        .catch(() => {});
    },
    Math.max(100, Math.floor(deps.config.idempotencyLeaseMs / 3)),
  );
  renew.unref();
  try {
    const answer = await inTransaction(deps, async (trx) => {
      const a = await run(joinTransaction(deps, trx));
      const kept = await keyRow(trx)
        .set({ status_code: a.status, body: JSON.stringify(a.body) })
        .where('holder', '=', holder)
        .where('status_code', '=', 0)
        .returning('key')
        .executeTakeFirst();
      if (!kept) throw conflict('This request ran past its Idempotency-Key lease and a repeat took it over; it was not carried out.');
      return a;
    });
    clearInterval(renew);
    return answer;
  } catch (err) {
    clearInterval(renew);
    await db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', scope)
      .where('key', '=', key)
      .where('holder', '=', holder)
      .where('status_code', '=', 0)
      .execute()
      .catch(() => {});
    throw err;
  }
}
