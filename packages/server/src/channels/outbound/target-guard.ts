import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where the server may connect on behalf of what an admin configured (webhook URLs, an SMS
 * provider's base URL, a channel's SMTP relay): public unicast addresses only, unless the host
 * or its address is listed in `CASEWORK_OUTBOUND_ALLOW` (comma-separated host names, addresses
 * or CIDR ranges, e.g. `127.0.0.0/8,::1`). Loopback, link-local (169.254.169.254), private,
 * carrier-grade NAT, unspecified (0.0.0.0), multicast, broadcast, reserved and documentation
 * ranges, IPv4-mapped and -translated IPv6 are refused; numeric spellings (`2130706433`,
 * `0x7f.1`, `[::ffff:127.0.0.1]`) are read as the address they denote.
 *
 * A URL is checked when it is saved, and the host is resolved and checked again at every
 * connection; the connection then goes to the address that was checked (pinned), so a name
 * that resolves differently later (DNS rebinding) cannot reach an internal address.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type OutboundAllow = { hosts: Set<string>; ranges: [Address, number][] };

/** What `npm start`'s demo allows when CASEWORK_OUTBOUND_ALLOW is not set: its own local sinks. */
export const DEMO_OUTBOUND_ALLOW = '127.0.0.0/8,::1';

/** The single message a refused target gets, at save and at delivery (it says nothing of what answers there). */
export const TARGET_NOT_ALLOWED = 'target not allowed';

export class TargetNotAllowed extends Error {
  constructor() {
    super(TARGET_NOT_ALLOWED);
  }
}

/** How host names are resolved; tests replace it to play a name whose answer changes. */
export const outboundDns = {
  resolve: async (host: string): Promise<string[]> => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address),
};

const normaliseHost = (host: string) =>
  host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/** Splits a CASEWORK_OUTBOUND_ALLOW value into entries; throws on an entry that is neither a host, an address nor a range. */
export function outboundAllowList(raw: string): string[] {
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (e.includes('/') ? !ipaddr.isValidCIDR(e) : !/^[\w.:[\]-]+$/.test(e)) {
      throw new Error(`CASEWORK_OUTBOUND_ALLOW: "${e}" is not a host name, address or CIDR range`);
    }
  }
  return entries;
}

function compileAllow(entries: readonly string[]): OutboundAllow {
  const allow: OutboundAllow = { hosts: new Set(), ranges: [] };
  for (const e of entries) {
    if (e.includes('/')) allow.ranges.push(ipaddr.parseCIDR(e));
    else {
      const host = normaliseHost(e);
      const ip = literalAddress(host);
      if (ip) allow.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
      else allow.hosts.add(host);
    }
  }
  return allow;
}

/** The address a host denotes by itself (any numeric spelling), or null for a name. */
function literalAddress(host: string): Address | null {
  if (!ipaddr.isValid(host)) return null;
  try {
    return ipaddr.parse(host);
  } catch {
    return null;
  }
}

/** Public unicast, or inside an allowed range (an IPv4-mapped IPv6 address also as its IPv4 form). */
function addressAllowed(address: Address, allow: OutboundAllow): boolean {
  const forms: Address[] = [address];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((address as ipaddr.IPv6).toIPv4Address());
  for (const a of forms) {
    for (const [net, bits] of allow.ranges) if (a.kind() === net.kind() && a.match(net, bits)) return true;
  }
  return address.range() === 'unicast';
}

/**
 * Resolves a host for one connection and returns the address to connect to: one that passed the
 * check (addresses that fail it are never used). A host listed by name is allowed whatever it
 * resolves to. Throws TargetNotAllowed when no address may be used.
 */
export async function resolveTarget(rawHost: string, allowEntries: readonly string[]): Promise<{ address: string; family: 4 | 6 }> {
  const host = normaliseHost(rawHost);
  const allow = compileAllow(allowEntries);
  const literal = literalAddress(host);
  let candidates: Address[];
  if (literal) candidates = [literal];
  else {
    let resolved: string[];
    try {
      resolved = await outboundDns.resolve(host);
    } catch {
      throw new Error(`could not resolve ${host}`);
    }
    candidates = resolved.map((a) => literalAddress(a)).filter((a): a is Address => a !== null);
  }
  const usable = allow.hosts.has(host) ? candidates : candidates.filter((a) => addressAllowed(a, allow));
  const first = usable[0];
  if (!first) throw new TargetNotAllowed();
  return { address: first.toString(), family: first.kind() === 'ipv4' ? 4 : 6 };
}

/**
 * The check on save: null when the URL's host may be used, else the message for the field.
 * A name that does not resolve now passes (it is checked again at every connection).
 */
export async function targetProblem(url: string, allowEntries: readonly string[]): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'must be a URL';
  }
  if (!host) return 'must name a host';
  try {
    await resolveTarget(host, allowEntries);
    return null;
  } catch (err) {
    if (!(err instanceof TargetNotAllowed)) return null;
    return 'must not point at a loopback, private, link-local or other internal address (the server operator can allow a host or range with CASEWORK_OUTBOUND_ALLOW)';
  }
}
