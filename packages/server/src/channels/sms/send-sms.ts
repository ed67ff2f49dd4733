import type { Deps } from '../../deps.ts';
import type { ChannelOptions } from '../config.ts';
import { channelSecrets, type ChannelRecord } from '../../db/repos/channels.ts';
import { DEFAULT_PROVIDER_URL } from '../channel-settings.ts';
import { outboundRequest } from '../outbound/outbound-http.ts';
import { PermanentDeliveryError } from '../outbound/delivery.ts';

/**
 * Sends an agent's reply as an SMS through the provider's REST API (Twilio form:
 * POST …/Accounts/{sid}/Messages.json, basic auth sid:authToken, To/From/Body). Returns the provider's id.
 */
export async function sendSmsReply(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord & { customerAddress: string | null },
  caseId: string,
  messageId: string,
): Promise<string | null> {
  const msg = await deps.db.kysely.selectFrom('messages').select(['body']).where('id', '=', messageId).executeTakeFirst();
  if (!msg) throw new PermanentDeliveryError('The message is gone.');
  return sendSms(deps, opts, ch, caseId, msg.body);
}

/**
 * Sends a text to the case's customer (the number they wrote from, else their phone) through the
 * channel's provider. Returns the provider's id. Replies and survey links go this way.
 */
export async function sendSms(
  deps: Deps,
  opts: ChannelOptions,
  ch: ChannelRecord & { customerAddress: string | null },
  caseId: string,
  body: string,
): Promise<string | null> {
  const db = deps.db.kysely;
  const to =
    ch.customerAddress ??
    (
      await db
        .selectFrom('cases as c')
        .innerJoin('customers as cu', 'cu.id', 'c.customer_id')
        .select('cu.phone')
        .where('c.id', '=', caseId)
        .executeTakeFirst()
    )?.phone;
  if (!to) throw new PermanentDeliveryError('The customer has no phone number.');
  const { authToken } = await channelSecrets(db, ch);
  const sid = ch.settings.accountSid;
  if (!sid || !authToken) throw new PermanentDeliveryError('The SMS channel lacks an account SID or auth token.');
  const base = (ch.settings.apiBaseUrl ?? DEFAULT_PROVIDER_URL).replace(/\/$/, '');
  const res = await outboundRequest(`${base}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`, {
    method: 'POST',
    timeoutMs: opts.httpTimeoutMs,
    allow: deps.config.outboundAllow,
    headers: {
      authorization: `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: to, From: ch.settings.phoneNumber ?? '', Body: body }).toString(),
  });
  const text = res.text;
  if (!res.ok) {
    // A refusal (bad number, bad credentials) stays a refusal; rate limits and server errors may pass later.
    const Err = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429 ? PermanentDeliveryError : Error;
    throw new Err(`The SMS provider answered ${res.status}: ${providerMessage(text)}`);
  }
  try {
    return (JSON.parse(text) as { sid?: string }).sid ?? null;
  } catch {
    return null;
  }
}

/** The provider's own words for a refusal (Twilio answers `{"message": …}`), else the start of its answer. */
function providerMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m.slice(0, 200);
  } catch {
    /* not JSON */
  }
  return text.slice(0, 200);
}
