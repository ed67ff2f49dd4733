import type { AddressInfo } from 'node:net';
import { startTestApp, type DbKind, type TestApp, type TestUser } from './harness.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import { readChannelOptions, type ChannelOptions } from '../channels/config.ts';
import { startChannels, type ChannelRuntime } from '../jobs/channel-runtime.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';

/** A resolver that knows no names (SPF, DKIM and DMARC then say none). */
const noDns = async (name: string): Promise<never> => {
  throw Object.assign(new Error(`${name} not found`), { code: 'ENOTFOUND' });
};

export type ChannelServer = TestApp & { base: string; smtpPort: number; runtime: ChannelRuntime; options: ChannelOptions };

/** The real app listening on 127.0.0.1 (random port) with the SMTP listener and channel workers running. */
export async function startChannelServer(
  kind: DbKind,
  opts: { channel?: Partial<ChannelOptions>; config?: Partial<Config>; clock?: Clock } = {},
): Promise<ChannelServer> {
  const t = await startTestApp(kind, { config: opts.config, clock: opts.clock });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const options = readChannelOptions({}, '127.0.0.1', {
    smtp: { port: 0, host: '127.0.0.1' },
    pollMs: 100,
    retryBaseMs: 50,
    retryMaxMs: 400,
    maxAttempts: 6,
    httpTimeoutMs: 3000,
    // DNS here is loopback only: every lookup answers "no such name" at once unless a test gives its own zone.
    dnsResolver: noDns,
    ...opts.channel,
  });
  const runtime = await startChannels(t.deps, options);
  return {
    ...t,
    base: `http://127.0.0.1:${port}`,
    smtpPort: runtime.smtpPort ?? 0,
    runtime,
    options,
    async close() {
      await runtime.stop();
      await t.close();
    },
  };
}

export type Res = { status: number; headers: Headers; data: any; text: string };

/** A JSON request over real HTTP. */
export async function http(
  base: string,
  user: TestUser | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(user?.headers ?? {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  return { status: res.status, headers: res.headers, data, text };
}

/** Posts a provider form, signed like Twilio does (or with the given signature, or none). */
export async function postSigned(
  base: string,
  path: string,
  params: Record<string, string>,
  authToken: string | null,
  signature?: string,
): Promise<Res> {
  const url = `${base}${path}`;
  const sig = signature ?? (authToken ? twilioSignature(authToken, url, params) : undefined);
  const res = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, data: text, text };
}

/** Waits until `check` returns a value (polling), failing after a bound. Tests never assert timings. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
