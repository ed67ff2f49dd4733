import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { Problem } from '../errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A client on this machine that did not come through a proxy: the socket's peer is a loopback
 * address and the request carries no forwarding header. Behind a proxy on the same host
 * (`CASEWORK_TRUST_PROXY`) every request arrives from loopback, so the header is what tells a
 * forwarded stranger apart; without a proxy a local client has no reason to send one.
 */
export function isDirectLoopback(req: FastifyRequest): boolean {
  const peer = req.socket.remoteAddress;
  if (!peer || req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
  try {
    return ipaddr.process(peer).range() === 'loopback';
  } catch {
    return false;
  }
}

/**
 * SPEC §14: /metrics answers to `Authorization: Bearer <CASEWORK_METRICS_TOKEN>` (compared in
 * constant time) when a token is set, otherwise to direct loopback clients only.
 */
export function checkMetricsAccess(req: FastifyRequest, token: string | null): void {
  if (token === null) {
    if (isDirectLoopback(req)) return;
    throw new Problem(
      403,
      'forbidden',
      'Not allowed',
      'Metrics are served to this machine only; set CASEWORK_METRICS_TOKEN to read them remotely.',
      {
        action: 'metrics',
      },
    );
  }
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m || !timingSafeEqual(digest(m[1]!), digest(token))) {
    throw new Problem(401, 'unauthenticated', 'Not signed in', 'Send "Authorization: Bearer <CASEWORK_METRICS_TOKEN>".');
  }
}
