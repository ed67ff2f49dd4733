import type { Kysely } from 'kysely';
import { isChatType, secretChanges, type CaseType } from '@casework/domain';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { conflict, invalid, notFound, type FieldError } from '../errors.ts';
import { randomToken, uuidv7 } from '../ids.ts';
import { isUniqueViolation } from '../db/pg-errors.ts';
import { channelSecrets, findChannel, toChannel, type ChannelRecord } from '../db/repos/channels.ts';
import { publicSettings, splitSettings } from '../channels/channel-settings.ts';
import { encryptSecret } from '../db/secrets.ts';
import { targetProblem } from '../channels/outbound/target-guard.ts';
import { deliveryFacts } from '../channels/outbound/delivery.ts';
import { findFetchState } from '../db/repos/mail-fetch.ts';
import { recordAudit, type AuditActor } from './audit/record-audit.ts';
import { afterCommit, inTransaction } from '../outbox/outbox.ts';

export type ChannelInput = {
  type: CaseType;
  name: string;
  teamId: string;
  settings: Record<string, unknown>;
  active?: boolean;
  surveys?: boolean;
};
export type ChannelPatch = { name?: string; teamId?: string; settings?: Record<string, unknown>; active?: boolean; surveys?: boolean };

/** Submitted provider and relay URLs that point at internal addresses the server may not reach (target-guard.ts). */
async function targetErrors(deps: Deps, settings: Record<string, unknown> | undefined): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const k of ['apiBaseUrl', 'smtpUrl']) {
    const v = settings?.[k];
    if (typeof v !== 'string' || !/^(https?|smtps?):\/\/\S+$/.test(v.trim())) continue; // malformed: splitSettings says so
    const problem = await targetProblem(v.trim(), deps.config.outboundAllow);
    if (problem) errors.push({ field: `settings.${k}`, message: problem });
  }
  for (const k of ['imap', 'smtp']) {
    const host = (settings?.[k] as { host?: unknown } | null | undefined)?.host;
    if (typeof host !== 'string' || !host.trim()) continue;
    const problem = await targetProblem(`smtp://${host.trim()}`, deps.config.outboundAllow);
    if (problem && problem !== 'must be a URL') errors.push({ field: `settings.${k}.host`, message: problem });
  }
  return errors;
}

/** The channel as the admin API returns it: never a secret, only `hasX` flags; plus its endpoints. */
export async function channelJson(deps: Deps, ch: ChannelRecord) {
  const secrets = await channelSecrets(deps.db.kysely, ch);
  const base = deps.config.publicUrl?.replace(/\/$/, '') ?? '';
  const endpoints: Record<string, string> = {};
  if (ch.type === 'sms') endpoints.inbound = `${base}/webhooks/sms/${ch.id}`;
  if (ch.type === 'phone') {
    endpoints.inbound = `${base}/webhooks/voice/${ch.id}`;
    endpoints.status = `${base}/webhooks/voice/${ch.id}/status`;
  }
  if (ch.type === 'web_connect') endpoints.snippet = `<script src="${base}/widget.js" data-channel="${ch.publicKey}" async></script>`;
  return {
    id: ch.id,
    type: ch.type,
    name: ch.name,
    teamId: ch.teamId,
    publicKey: ch.publicKey,
    address: ch.address,
    settings: publicSettings(ch.type, ch.settings, Object.keys(secrets)),
    active: ch.active,
    surveys: ch.surveys,
    endpoints,
    ...(await deliveryFacts(deps, ch)),
    ...(ch.type === 'email' ? { mailFetch: await mailFetchJson(deps, ch) } : {}),
    createdAt: ch.createdAt.toISOString(),
    updatedAt: ch.updatedAt.toISOString(),
  };
}

/** Where fetching from the channel's IMAP mailbox stands (null: the channel does not fetch). */
async function mailFetchJson(deps: Deps, ch: ChannelRecord) {
  if (!ch.settings.imapHost) return null;
  const s = await findFetchState(deps.db.kysely, ch.id);
  return {
    lastSuccessAt: s?.lastSuccessAt?.toISOString() ?? null,
    lastError: s?.lastError ?? null,
    lastErrorAt: s?.lastErrorAt?.toISOString() ?? null,
    fetchedCount: s?.fetchedCount ?? 0,
  };
}

async function checkTeam(trx: Kysely<Database>, teamId: string): Promise<void> {
  const t = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
  if (!t) throw invalid([{ field: 'teamId', message: 'no such team' }]);
}

const addressTaken = (err: unknown) => {
  if (isUniqueViolation(err)) return conflict('Another email channel already receives mail for this address.');
  return err;
};

const channelTarget = (id: string, name: string) => ({ type: 'channel', id, label: name });
/** What the audit log compares of a channel (secrets apart: only whether each was set or replaced). */
const audited = (c: {
  type: CaseType;
  name: string;
  teamId: string;
  active: boolean;
  surveys: boolean;
  settings: Record<string, unknown>;
}) => ({
  type: c.type,
  name: c.name,
  teamId: c.teamId,
  active: c.active,
  surveys: c.surveys,
  settings: c.settings,
});

/** Creates a channel; chat channels get a public key, email channels own their address. */
export async function createChannel(deps: Deps, actor: AuditActor, input: ChannelInput): Promise<ChannelRecord> {
  const split = splitSettings(input.type, input.settings, { settings: {}, secrets: {} });
  const errors = [...split.errors, ...(await targetErrors(deps, input.settings))];
  if (errors.length) throw invalid(errors);
  const now = deps.clock.now();
  const id = uuidv7(now.getTime());
  try {
    await inTransaction(deps, async (trx) => {
      await checkTeam(trx, input.teamId);
      await trx
        .insertInto('channels')
        .values({
          id,
          type: input.type,
          name: input.name,
          team_id: input.teamId,
          public_key: isChatType(input.type) ? randomToken('pk_', 18) : null,
          address: input.type === 'email' ? split.settings.address!.toLowerCase() : null,
          settings: JSON.stringify(split.settings),
          secrets: Object.keys(split.secrets).length ? await encryptSecret(trx, JSON.stringify(split.secrets)) : null,
          active: input.active ?? true,
          surveys: input.surveys ?? true,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordAudit(trx, deps, actor, {
        action: 'channel.created',
        target: channelTarget(id, input.name),
        before: null,
        after: audited({ ...input, active: input.active ?? true, surveys: input.surveys ?? true, settings: split.settings }),
        changes: secretChanges({}, split.secrets),
      });
      afterCommit(trx, () => deps.outbound.kickMailFetch());
    });
  } catch (err) {
    throw addressTaken(err);
  }
  return (await findChannel(deps.db.kysely, id))!;
}

/** Changes a channel's name, team, settings (merged; secrets replaced only when sent), active flag or survey switch. */
export async function updateChannel(deps: Deps, actor: AuditActor, id: string, patch: ChannelPatch): Promise<ChannelRecord> {
  const now = deps.clock.now();
  const refusedTargets = await targetErrors(deps, patch.settings);
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound('Channel');
      const ch = toChannel(row);
      if (patch.teamId) await checkTeam(trx, patch.teamId);
      const oldSecrets = await channelSecrets(trx, ch);
      const split = splitSettings(ch.type, patch.settings ?? {}, { settings: ch.settings, secrets: oldSecrets });
      const errors = [...split.errors, ...refusedTargets];
      if (errors.length) throw invalid(errors);
      const next = {
        type: ch.type,
        name: patch.name ?? ch.name,
        teamId: patch.teamId ?? ch.teamId,
        active: patch.active ?? ch.active,
        surveys: patch.surveys ?? ch.surveys,
        settings: split.settings,
      };
      await recordAudit(trx, deps, actor, {
        action: 'channel.updated',
        target: channelTarget(id, next.name),
        before: audited(ch),
        after: audited(next),
        changes: secretChanges(oldSecrets, split.secrets),
      });
      await trx
        .updateTable('channels')
        .set({
          name: next.name,
          team_id: next.teamId,
          active: next.active,
          surveys: next.surveys,
          address: ch.type === 'email' ? split.settings.address!.toLowerCase() : null,
          settings: JSON.stringify(split.settings),
          secrets: Object.keys(split.secrets).length ? await encryptSecret(trx, JSON.stringify(split.secrets)) : null,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    });
  } catch (err) {
    throw addressTaken(err);
  }
  deps.outbound.kickMailFetch();
  return (await findChannel(deps.db.kysely, id))!;
}

/** Removes a channel: it stops receiving at once; its cases and history stay. */
export async function deleteChannel(deps: Deps, actor: AuditActor, id: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('channels')
      .set({ deleted_at: now, active: false, updated_at: now, public_key: null })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning(['type', 'name', 'team_id'])
      .executeTakeFirst();
    if (!r) throw notFound('Channel');
    await recordAudit(trx, deps, actor, {
      action: 'channel.deleted',
      target: channelTarget(id, r.name),
      before: { type: r.type, name: r.name, teamId: r.team_id },
      after: null,
    });
  });
  deps.outbound.kickMailFetch();
}

/** Every channel not deleted, oldest first. */
export async function listChannels(db: Kysely<Database>, type?: CaseType): Promise<ChannelRecord[]> {
  let q = db.selectFrom('channels').selectAll().where('deleted_at', 'is', null);
  if (type) q = q.where('type', '=', type);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toChannel);
}
