import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { resolveTarget } from './target-guard.ts';

export type OutboundRequest = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** CASEWORK_OUTBOUND_ALLOW entries (see target-guard.ts). */
  allow: readonly string[];
  /** Keeps at most this much of the answer (default 64 KiB). */
  maxBytes?: number;
  /** Keep the answer's bytes up to this size (a file); past it `bytes` is null and the rest is dropped. */
  fileMaxBytes?: number;
};
export type OutboundResponse = {
  status: number;
  ok: boolean;
  text: string;
  headers: Record<string, string>;
  contentType?: string;
  bytes?: Buffer | null;
};

/** Keeps at most this much of an answer by default (enough for an error text or a provider's id). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One HTTP(S) request to an admin-configured URL (webhooks, SMS provider, the OpenID provider). The host is resolved
 * and checked by target-guard, and the socket goes to exactly that address (TLS still verifies
 * the certificate for the host name). Redirects are not followed: a 3xx is the answer.
 * Throws TargetNotAllowed for a refused target, before any connection is made.
 */
export async function outboundRequest(url: string, req: OutboundRequest): Promise<OutboundResponse> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
  const target = await resolveTarget(u.hostname, req.allow);
  const name = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const client = u.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const r = client.request(
      {
        host: target.address,
        family: target.family,
        port: u.port || (u.protocol === 'https:' ? 443 : 80),
        path: `${u.pathname}${u.search}`,
        method: req.method,
        agent: false,
        headers: {
          ...req.headers,
          host: u.host,
          ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
        },
        ...(u.protocol === 'https:' && !isIP(name) ? { servername: name } : {}),
        signal: AbortSignal.timeout(req.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const max = req.fileMaxBytes ?? req.maxBytes ?? MAX_ANSWER_BYTES;
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < max) chunks.push(c);
          size += c.length;
          if (req.fileMaxBytes !== undefined && size > req.fileMaxBytes) res.destroy();
        });
        const done = () => {
          const status = res.statusCode ?? 0;
          const all = Buffer.concat(chunks);
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: all.subarray(0, req.maxBytes ?? MAX_ANSWER_BYTES).toString('utf8'),
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
            ...(req.fileMaxBytes !== undefined
              ? { contentType: res.headers['content-type'] ?? 'application/octet-stream', bytes: size > req.fileMaxBytes ? null : all }
              : {}),
          });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', reject);
      },
    );
    r.on('error', (err) => reject(err.name === 'AbortError' ? new Error(`no answer within ${req.timeoutMs} ms`) : err));
    r.end(req.body);
  });
}
