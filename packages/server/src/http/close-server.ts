import type { FastifyInstance } from 'fastify';
import { within } from '../process-state.ts';

/** How often a closing server looks for connections whose last answer has finished since. */
const SWEEP_MS = 100;

/**
 * Closes the HTTP server as a graceful stop does: no new connections, answers in progress run to
 * their end, and each connection closes once it has no answer running. Node closes only the
 * connections idle at the moment of closing; a keep-alive connection whose answer was still being
 * sent then (a download's last bytes) would stay open, idle, until its client or the keep-alive
 * timeout ended it, so the idle ones are closed again every SWEEP_MS until the server has closed.
 * Connections still busy after `cutAfterMs` are cut (`beforeCut` is told first). `andThen` runs
 * once closing has begun (ending the live streams). Says whether it had to cut.
 */
export async function closeServer(
  app: FastifyInstance,
  cutAfterMs: number,
  o: { andThen?: () => void; beforeCut?: () => void } = {},
): Promise<'closed' | 'cut'> {
  const closed = app.close();
  o.andThen?.();
  const sweep = setInterval(() => app.server.closeIdleConnections(), SWEEP_MS);
  try {
    if ((await within(closed, cutAfterMs)) !== false) return 'closed';
    o.beforeCut?.();
    app.server.closeAllConnections();
    await closed;
    return 'cut';
  } finally {
    clearInterval(sweep);
  }
}
