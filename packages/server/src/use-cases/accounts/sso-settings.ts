import { type PasswordLogin, ssoScopes } from '@casework/domain';
import type { Kysely } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Database } from '../../db/schema.ts';
import type { AppUser } from '../../auth/actor.ts';
import { discoverProvider, isLoopbackHost, providerFailure } from '../../auth/oidc-client.ts';
import { targetProblem } from '../../channels/outbound/target-guard.ts';
import { decryptSecret, encryptSecret } from '../../db/secrets.ts';
import { type FieldError, invalid } from '../../errors.ts';
import { dedupe, unknownIds } from '../admin-users.ts';
import { appBase } from './account-mails.ts';
import { recordAccountEvent, type RequestOrigin } from './account-events.ts';

/** Where the provider sends the browser back: register this address as the client's redirect URI. */
export const SSO_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** What a write-only secret reads as once set. */
const SECRET_MASK = '********';

export type SsoSettingsJson = {
  enabled: boolean;
  issuer: string | null;
  clientId: string | null;
  /** Write-only: the mask when one is set, else null. */
  clientSecret: string | null;
  scopes: string;
  buttonLabel: string;
  createUsers: boolean;
  defaultRole: string;
  defaultTeamIds: string[];
  passwordLogin: PasswordLogin;
  redirectUri: string;
};

export type SsoSettingsInput = Partial<Omit<SsoSettingsJson, 'redirectUri'>>;

/** The stored settings with the secret readable (for the sign-in itself; never answered). */
export type SsoSettings = Omit<SsoSettingsJson, 'clientSecret' | 'redirectUri'> & { clientSecret: string | null };

export async function loadSsoSettings(db: Kysely<Database>): Promise<SsoSettings> {
  const r = await db.selectFrom('sso_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return {
    enabled: r.enabled,
    issuer: r.issuer,
    clientId: r.client_id,
    clientSecret: r.client_secret ? await decryptSecret(db, r.client_secret) : null,
    scopes: r.scopes,
    buttonLabel: r.button_label,
    createUsers: r.create_users,
    defaultRole: r.default_role,
    defaultTeamIds: r.default_team_ids.map(String),
    passwordLogin: r.password_login as PasswordLogin,
  };
}

export const callbackUrl = (deps: Pick<Deps, 'config'>) => `${appBase(deps.config)}${SSO_CALLBACK_PATH}`;

const toJson = (deps: Pick<Deps, 'config'>, s: SsoSettings): SsoSettingsJson => ({
  ...s,
  clientSecret: s.clientSecret ? SECRET_MASK : null,
  redirectUri: callbackUrl(deps),
});

export async function readSsoSettings(deps: Deps): Promise<SsoSettingsJson> {
  return toJson(deps, await loadSsoSettings(deps.db.kysely));
}

/** The issuer's own form (scheme, host, path; no query or fragment), or a message for the field. */
async function issuerProblem(issuer: string, allow: readonly string[]): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be a URL such as https://login.example.com';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    return 'must use https:// (plain http:// only for a provider on this machine)';
  if (url.search || url.hash || url.username || url.password) return 'must not carry a query, fragment or credentials';
  const target = await targetProblem(issuer, allow);
  return target ? `${target}` : null;
}

async function localProblems(db: Kysely<Database>, s: SsoSettings, allow: readonly string[]): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (s.issuer !== null) {
    const p = await issuerProblem(s.issuer, allow);
    if (p) errors.push({ field: 'issuer', message: p });
  }
  if (s.enabled) {
    if (!s.issuer) errors.push({ field: 'issuer', message: 'is required to turn single sign-on on' });
    if (!s.clientId) errors.push({ field: 'clientId', message: 'is required to turn single sign-on on' });
    if (!s.clientSecret) errors.push({ field: 'clientSecret', message: 'is required to turn single sign-on on' });
  }
  if (!(await db.selectFrom('roles').select('id').where('id', '=', s.defaultRole).executeTakeFirst()))
    errors.push({ field: 'defaultRole', message: `no role "${s.defaultRole}"` });
  const unknown = await unknownIds(db, 'teams', s.defaultTeamIds);
  if (unknown.length) errors.push({ field: 'defaultTeamIds', message: `unknown team ids: ${unknown.join(', ')}` });
  if (s.passwordLogin === 'admins' && !s.enabled)
    errors.push({ field: 'passwordLogin', message: 'can be limited to administrators only while single sign-on is on' });
  return errors;
}

function changesOf(before: SsoSettings, after: SsoSettings): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof SsoSettings)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    // Secrets are never recorded: only that one was set or replaced.
    changes[key] =
      key === 'clientSecret' ? { from: before.clientSecret ? SECRET_MASK : null, to: SECRET_MASK } : { from: before[key], to: after[key] };
  }
  return changes;
}

/**
 * An administrator changes the organisation's single sign-on. Fields left out keep their value;
 * the secret is write-only (left out, or sent back as the mask, it stays). The issuer is an outbound
 * target: an internal address outside CASEWORK_OUTBOUND_ALLOW is refused, and while single sign-on is
 * on the provider's discovery document must be readable. Every refusal names its fields, changes
 * nothing and is recorded; a change is recorded with before → after (the secret masked).
 */
export async function saveSsoSettings(
  deps: Deps,
  actor: AppUser,
  input: SsoSettingsInput,
  origin: RequestOrigin,
): Promise<SsoSettingsJson> {
  const db = deps.db.kysely;
  const before = await loadSsoSettings(db);
  const secret = input.clientSecret === undefined || input.clientSecret === SECRET_MASK ? before.clientSecret : input.clientSecret;
  const after: SsoSettings = {
    enabled: input.enabled ?? before.enabled,
    issuer: input.issuer === undefined ? before.issuer : input.issuer?.trim().replace(/\/+$/, '') || null,
    clientId: input.clientId === undefined ? before.clientId : input.clientId?.trim() || null,
    clientSecret: secret,
    scopes: input.scopes === undefined ? before.scopes : ssoScopes(input.scopes).join(' '),
    buttonLabel: input.buttonLabel?.trim() || before.buttonLabel,
    createUsers: input.createUsers ?? before.createUsers,
    defaultRole: input.defaultRole ?? before.defaultRole,
    defaultTeamIds: input.defaultTeamIds ? dedupe(input.defaultTeamIds) : before.defaultTeamIds,
    passwordLogin: input.passwordLogin ?? before.passwordLogin,
  };
  const refuse = async (fields: FieldError[], detail?: string) => {
    await recordAccountEvent(db, deps, { type: 'sso_settings.refused', actorId: actor.id, fields }, origin);
    return invalid(fields, detail);
  };
  const problems = await localProblems(db, after, deps.config.outboundAllow);
  if (problems.length) throw await refuse(problems);
  if (after.enabled) {
    try {
      await discoverProvider(
        { issuer: after.issuer!, clientId: after.clientId!, clientSecret: after.clientSecret! },
        deps.config.outboundAllow,
      );
    } catch (err) {
      const why = providerFailure(err);
      throw await refuse([
        {
          field: 'issuer',
          message: `could not be used: the provider's discovery document (${after.issuer}/.well-known/openid-configuration) could not be read: ${why}`,
        },
      ]);
    }
  }
  const changes = changesOf(before, after);
  const clientSecret =
    after.clientSecret === before.clientSecret ? undefined : after.clientSecret && (await encryptSecret(db, after.clientSecret));
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sso_settings')
      .set({
        enabled: after.enabled,
        issuer: after.issuer,
        client_id: after.clientId,
        client_secret: clientSecret,
        scopes: after.scopes,
        button_label: after.buttonLabel,
        create_users: after.createUsers,
        default_role: after.defaultRole,
        default_team_ids: after.defaultTeamIds,
        password_login: after.passwordLogin,
        updated_at: deps.clock.now(),
      })
      .where('id', '=', 1)
      .execute();
    if (Object.keys(changes).length)
      await recordAccountEvent(trx, deps, { type: 'sso_settings.changed', actorId: actor.id, changes }, origin);
  });
  return toJson(deps, after);
}
