import { useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { PasswordLogin } from '@casework/domain';
import { api } from '../../api/client';
import { useRoles, useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { CopyField } from '../../components/copy-field';
import { ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { useAdminAction } from '../../features/admin/use-admin-action';
import { AdminPage } from './admin-layout';

type Settings = Awaited<ReturnType<typeof fetchSettings>>;
const SSO_KEY = ['organisation-sso'] as const;
const fetchSettings = () => api.get<'/organisation/sso'>('/organisation/sso');

/** Administration → Single sign-on: the organisation's OpenID provider (SPEC §14). */
export function SsoPage() {
  return (
    <AdminPage title="Single sign-on" permission="admin.users">
      <SsoSettings />
    </AdminPage>
  );
}

function SsoSettings() {
  const settings = useQuery({ queryKey: SSO_KEY, queryFn: fetchSettings });
  if (settings.isPending) return <LoadingState />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  return <SsoForm value={settings.data} />;
}

function SsoForm({ value }: { value: Settings }) {
  const { run, busy, fields } = useAdminAction([SSO_KEY, ['auth-methods']]);
  const roles = useRoles();
  const teams = useTeams();
  const [enabled, setEnabled] = useState(value.enabled);
  const [issuer, setIssuer] = useState(value.issuer ?? '');
  const [clientId, setClientId] = useState(value.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState(value.scopes);
  const [buttonLabel, setButtonLabel] = useState(value.buttonLabel);
  const [createUsers, setCreateUsers] = useState(value.createUsers);
  const [defaultRole, setDefaultRole] = useState(value.defaultRole);
  const [defaultTeamIds, setDefaultTeamIds] = useState<string[]>(value.defaultTeamIds);
  const [passwordLogin, setPasswordLogin] = useState<PasswordLogin>(value.passwordLogin);
  const id = useId();
  const error = (key: string) =>
    fields[key] ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {fields[key]}
      </p>
    ) : null;
  const described = (key: string, hint = false) =>
    [hint ? `${id}-${key}-hint` : '', fields[key] ? `${id}-${key}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <form
      className="panel form page-narrow-inner"
      onSubmit={(event) => {
        event.preventDefault();
        void run(async () => {
          const saved = await api.put<'/organisation/sso'>('/organisation/sso', {
            enabled,
            issuer: issuer.trim() || null,
            clientId: clientId.trim() || null,
            ...(clientSecret ? { clientSecret } : {}),
            scopes,
            buttonLabel: buttonLabel.trim() || value.buttonLabel,
            createUsers,
            defaultRole,
            defaultTeamIds,
            passwordLogin,
          });
          setClientSecret('');
          return saved;
        }, 'Single sign-on saved');
      }}
    >
      <h2>Single sign-on</h2>
      <p className="muted">
        Let people sign in with your identity provider (Microsoft Entra ID, Google Workspace, Okta, Keycloak… any OpenID Connect provider).
        Register Casework there as a web application with the redirect URI below, then enter what the provider gives you.
      </p>
      <CopyField
        label="Redirect URI"
        value={value.redirectUri}
        hint="Register this exact address as the client's redirect (callback) URI."
      />
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        Turn on single sign-on
      </label>
      <div className="field">
        <label htmlFor={`${id}-issuer`}>Issuer URL</label>
        <input
          id={`${id}-issuer`}
          type="url"
          inputMode="url"
          placeholder="https://login.example.com/realms/staff"
          value={issuer}
          onChange={(event) => setIssuer(event.target.value)}
          aria-invalid={fields.issuer ? true : undefined}
          aria-describedby={described('issuer', true)}
        />
        <p className="field-hint" id={`${id}-issuer-hint`}>
          Casework reads the provider's settings from <span className="mono">/.well-known/openid-configuration</span> under this address
          when you save.
        </p>
        {error('issuer')}
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-client`}>Client ID</label>
          <input
            id={`${id}-client`}
            autoComplete="off"
            value={clientId}
            onChange={(event) => setClientId(event.target.value)}
            aria-invalid={fields.clientId ? true : undefined}
            aria-describedby={described('clientId')}
          />
          {error('clientId')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-secret`}>Client secret</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="new-password"
            placeholder={value.clientSecret ? 'Saved (type to replace)' : ''}
            value={clientSecret}
            onChange={(event) => setClientSecret(event.target.value)}
            aria-invalid={fields.clientSecret ? true : undefined}
            aria-describedby={described('clientSecret', true)}
          />
          <p className="field-hint" id={`${id}-clientSecret-hint`}>
            {value.clientSecret ? 'A secret is saved; it is never shown again.' : 'Stored encrypted; never shown again.'}
          </p>
          {error('clientSecret')}
        </div>
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-scopes`}>Scopes</label>
          <input
            id={`${id}-scopes`}
            value={scopes}
            onChange={(event) => setScopes(event.target.value)}
            aria-describedby={described('scopes', true)}
          />
          <p className="field-hint" id={`${id}-scopes-hint`}>
            Separated by spaces; <span className="mono">openid</span> is always asked for, <span className="mono">email</span> is needed.
          </p>
          {error('scopes')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Button label</label>
          <input
            id={`${id}-label`}
            maxLength={60}
            value={buttonLabel}
            onChange={(event) => setButtonLabel(event.target.value)}
            aria-describedby={described('buttonLabel', true)}
          />
          <p className="field-hint" id={`${id}-buttonLabel-hint`}>
            The sign-in page shows “Sign in with {buttonLabel.trim() || value.buttonLabel}”.
          </p>
          {error('buttonLabel')}
        </div>
      </div>
      <fieldset className="fieldset">
        <legend>Who may sign in</legend>
        <p className="field-hint">People are matched by their email address, only when the provider says it is verified.</p>
        <label className="check">
          <input type="radio" name={`${id}-create`} checked={!createUsers} onChange={() => setCreateUsers(false)} />
          Only existing users (and people with an invitation)
        </label>
        <label className="check">
          <input type="radio" name={`${id}-create`} checked={createUsers} onChange={() => setCreateUsers(true)} />
          Create an account on first sign-in
        </label>
        {createUsers ? (
          <div className="sso-defaults">
            <div className="field">
              <label htmlFor={`${id}-role`}>Role for new accounts</label>
              <select id={`${id}-role`} value={defaultRole} onChange={(event) => setDefaultRole(event.target.value)}>
                {(roles.data ?? [{ id: defaultRole, name: defaultRole }]).map((role) => (
                  <option key={role.id} value={role.id}>
                    {role.name}
                  </option>
                ))}
              </select>
              {error('defaultRole')}
            </div>
            <fieldset className="fieldset">
              <legend>Teams for new accounts</legend>
              <div className="check-grid">
                {(teams.data ?? []).map((team) => (
                  <label key={team.id} className="check">
                    <input
                      type="checkbox"
                      checked={defaultTeamIds.includes(team.id)}
                      onChange={(event) =>
                        setDefaultTeamIds((current) =>
                          event.target.checked ? [...current, team.id] : current.filter((item) => item !== team.id),
                        )
                      }
                    />
                    {team.name}
                  </label>
                ))}
                {teams.data?.length === 0 ? <p className="muted">No teams yet.</p> : null}
              </div>
              {error('defaultTeamIds')}
            </fieldset>
          </div>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password sign-in</label>
        <select
          id={`${id}-password`}
          value={passwordLogin}
          onChange={(event) => setPasswordLogin(event.target.value as PasswordLogin)}
          aria-describedby={described('passwordLogin', true)}
        >
          <option value="everyone">Everyone may still use a password</option>
          <option value="admins">Administrators only (everyone else uses single sign-on)</option>
        </select>
        <p className="field-hint" id={`${id}-passwordLogin-hint`}>
          Administrators keep their password so a provider outage cannot lock everyone out. Two-factor sign-in, where required, applies to
          single sign-on too.
        </p>
        {error('passwordLogin')}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          Save
        </Button>
      </div>
    </form>
  );
}
