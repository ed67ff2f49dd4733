import { promises as dns } from 'node:dns';
import { authenticate } from 'mailauth';

/** A DNS lookup as mailauth asks it (`dns.promises.resolve`'s shape): records, or a rejection with an ENOTFOUND-like code. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** SPF, DKIM and DMARC verdicts of an inbound mail, as stored on the message (SPEC §13). */
export type MailAuth = { spf: string; dkim: string; dmarc: string; dmarcPolicy?: string; domain?: string };

/**
 * Wraps a resolver with a small cache (answers and failures, 5 minutes) and a timeout per lookup,
 * so mail from one domain costs its lookups once per batch, and a resolver that does not answer
 * slows a mail by at most the timeout.
 */
export function cachedResolver(base: DnsResolver = (n, t) => dns.resolve(n, t), ttlMs = 300_000, timeoutMs = 3000): DnsResolver {
  const cache = new Map<string, { at: number; answer: Promise<unknown> }>();
  return (name, rrtype) => {
    const key = `${rrtype}:${name.toLowerCase()}`;
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs) return hit.answer;
    const answer = Promise.race([
      base(name, rrtype),
      new Promise((_, reject) =>
        setTimeout(() => reject(Object.assign(new Error(`DNS lookup of ${name} timed out`), { code: 'ETIMEOUT' })), timeoutMs).unref(),
      ),
    ]);
    answer.catch(() => undefined);
    if (cache.size > 5000) cache.clear();
    cache.set(key, { at: now, answer });
    return answer;
  };
}

type Status = { result?: string };
const resultOf = (s: Status | undefined) => s?.result ?? 'none';

/**
 * Checks a raw mail with mailauth: SPF for the connecting address (from the SMTP session, or for
 * fetched mail the newest Received header), DKIM signatures, and DMARC alignment and policy.
 * Null when the check itself failed (it never holds a mail back).
 */
export async function authenticateMail(
  raw: Buffer,
  ctx: { ip?: string | null; helo?: string | null; mailFrom?: string | null },
  resolver: DnsResolver,
): Promise<MailAuth | null> {
  try {
    const r = (await authenticate(raw, {
      resolver: resolver as never,
      mta: 'casework',
      trustReceived: !ctx.ip,
      ...(ctx.ip ? { ip: ctx.ip } : {}),
      ...(ctx.helo ? { helo: ctx.helo } : {}),
      ...(ctx.mailFrom ? { sender: ctx.mailFrom } : {}),
      disableArc: true,
      disableBimi: true,
    })) as {
      spf?: { status?: Status } | false;
      dkim?: { results?: { status?: Status }[] };
      dmarc?: { status?: Status; p?: string; domain?: string } | false;
    };
    const dkims = (r.dkim?.results ?? []).map((x) => resultOf(x.status));
    const dmarc = r.dmarc || undefined;
    return {
      spf: resultOf(r.spf ? r.spf.status : undefined),
      dkim: dkims.includes('pass') ? 'pass' : (dkims[0] ?? 'none'),
      dmarc: resultOf(dmarc?.status),
      ...(dmarc?.p ? { dmarcPolicy: dmarc.p } : {}),
      ...(dmarc?.domain ? { domain: dmarc.domain } : {}),
    };
  } catch {
    return null;
  }
}
