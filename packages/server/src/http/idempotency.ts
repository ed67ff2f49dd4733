import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { actorOf } from './auth-hook.ts';
import { conflict, invalid } from '../errors.ts';

type Answer<T> = { status: number; body: T };

/**
 * With an `Idempotency-Key` header, the first answer of a creating request is stored and a
 * repeat (same user and route) gets it again instead of creating twice. The key is reserved
 * before the work starts, so two concurrent repeats cannot both create.
 */
export async function withIdempotency<T>(deps: Deps, req: FastifyRequest, reply: FastifyReply, run: () => Promise<Answer<T>>): Promise<Answer<T>> {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return run();
  const key = Array.isArray(raw) ? raw[0]! : raw;
  if (key.length < 1 || key.length > 200) throw invalid([{ field: 'Idempotency-Key', message: 'must be 1–200 characters' }]);
  const scope = `${actorOf(req).id}:${req.routeOptions.url}`;
  const db = deps.db.kysely;
  const reserved = await db.insertInto('idempotency_keys')
    .values({ scope, key, status_code: 0, body: 'null' })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key').executeTakeFirst();
  if (!reserved) {
    for (let i = 0; i < 100; i++) {
      const seen = await db.selectFrom('idempotency_keys').select(['status_code', 'body']).where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      if (seen && seen.status_code !== 0) {
        reply.header('idempotent-replayed', 'true');
        return { status: seen.status_code, body: seen.body as T };
      }
      if (!seen) return withIdempotency(deps, req, reply, run); // the first attempt failed: try afresh
      await new Promise((r) => setTimeout(r, 50));
    }
    throw conflict('A request with this Idempotency-Key is still being processed.');
  }
  try {
    const answer = await run();
    await db.updateTable('idempotency_keys').set({ status_code: answer.status, body: JSON.stringify(answer.body) })
      .where('scope', '=', scope).where('key', '=', key).execute();
    return answer;
  } catch (err) {
    await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute().catch(() => {});
    throw err;
  }
}
