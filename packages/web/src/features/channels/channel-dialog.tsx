import { useId, useState } from 'react';
import { isSurveyChannel, LIMITS } from '@casework/domain';
import { api, type Body } from '../../api/client';
import { useTeams } from '../../api/queries';
import type { CaseType } from '../../api/types';
import { Button } from '../../components/button';
import { ChannelIcon } from '../../components/channel-icon';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { NamedOptions } from '../../components/named-options';
import { TYPE_LABEL } from '@casework/domain';
import { useAdminAction } from '../admin/use-admin-action';
import { channelKeys, type Channel } from './channel-api';
import {
  CHANNEL_TYPES,
  GROUP_LABEL,
  GROUP_LEAD,
  SETTING_FIELDS,
  flatSettings,
  hasSecretFlag,
  type MailGroup,
  type SettingField,
} from './channel-settings';
import { ChannelSetup } from './channel-setup';
import { SettingInput } from './setting-input';

type Draft = {
  type: CaseType;
  name: string;
  teamId: string;
  active: boolean;
  surveys: boolean;
  values: Record<string, string>;
  changing: string[];
};

/** Security shown for a mail server not configured yet: what the big providers use. */
const SECURITY_DEFAULT = { 'imap.security': 'tls', 'smtp.security': 'starttls' };

function initialDraft(channel: Channel | null, firstTeam: string): Draft {
  const values: Record<string, string> = { ...SECURITY_DEFAULT, ...flatSettings(channel?.settings ?? {}) };
  return {
    type: channel?.type ?? 'web_connect',
    name: channel?.name ?? '',
    teamId: channel?.teamId ?? firstTeam,
    active: channel?.active ?? true,
    surveys: channel?.surveys ?? true,
    values,
    changing: [],
  };
}

type SettingsBody = NonNullable<Body<'/channels', 'post'>['settings']>;
type Changes = Record<string, unknown>;

/** One field's change: undefined when unchanged; on edit an emptied value is null (removes it), secrets only when replaced. */
function fieldChange(field: SettingField, draft: Draft, channel: Channel | null, before: Record<string, string>): unknown {
  const value = (draft.values[field.key] ?? '').trim();
  if (field.secret) {
    const replace = !channel || draft.changing.includes(field.key) || !hasSecretFlag(channel.settings, field.key);
    return value && replace ? value : undefined;
  }
  if (!channel) return value || undefined;
  return value === (before[field.key] ?? '') ? undefined : value || null;
}

/**
 * The settings to send: all filled values on create; on edit only changes. A mail server is sent
 * as its object (`imap: {host, port…}`) while it has a host; emptying the host removes it (`null`).
 */
function settingsBody(draft: Draft, channel: Channel | null): SettingsBody {
  const before = channel ? flatSettings(channel.settings) : {};
  const out: Changes = {};
  const groups: Partial<Record<MailGroup, Changes>> = {};
  for (const field of SETTING_FIELDS[draft.type]) {
    const change = fieldChange(field, draft, channel, before);
    if (change === undefined) continue;
    const [group, name] = field.key.split('.') as [MailGroup, string | undefined];
    if (name === undefined) out[field.key] = change;
    else {
      const server = groups[group] ?? {};
      server[name] = name === 'port' && typeof change === 'string' ? Number(change) : change;
      groups[group] = server;
    }
  }
  for (const group of ['imap', 'smtp'] as const) {
    if ((draft.values[`${group}.host`] ?? '').trim()) {
      if (groups[group]) out[group] = groups[group];
    } else if (before[`${group}.host`]) {
      out[group] = null;
    } else if (group === 'smtp' && groups.smtp) {
      // Without a server, the user name and password still sign in to the relay URL.
      const { user, password } = groups.smtp;
      const login = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
      if (Object.keys(login).length) out.smtp = login;
    }
  }
  // Built field by field from the form's definitions, which mirror the API's settings schema.
  return out as SettingsBody;
}

/** The type's settings in sections: its own, then each mail server's. */
function settingGroups(type: CaseType): { group: MailGroup | null; fields: SettingField[] }[] {
  const fields = SETTING_FIELDS[type];
  const groups: (MailGroup | null)[] = [null, 'imap', 'smtp'];
  return groups
    .map((group) => ({ group, fields: fields.filter((field) => (field.group ?? null) === group) }))
    .filter((g) => g.fields.length > 0);
}

/** Create or edit a channel: type, name, team and the type's own settings; after creating, shows how to connect it. */
export function ChannelDialog({ channel, onClose }: { channel: Channel | null; onClose: () => void }) {
  const teams = useTeams();
  const { run, busy, fields } = useAdminAction([channelKeys.channels]);
  const [draft, setDraft] = useState<Draft>(() => initialDraft(channel, ''));
  const [created, setCreated] = useState<Channel | null>(null);
  const id = useId();
  const teamId = draft.teamId || teams.data?.[0]?.id || '';
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  async function save() {
    const settings = settingsBody(draft, channel);
    const saved = channel
      ? await run(
          () =>
            api.patch<'/channels/{id}'>(`/channels/${channel.id}`, {
              name: draft.name.trim(),
              teamId,
              active: draft.active,
              surveys: draft.surveys,
              settings,
            }),
          `${draft.name.trim()} saved`,
        )
      : await run(
          () =>
            api.post<'/channels'>('/channels', {
              type: draft.type,
              name: draft.name.trim(),
              teamId,
              active: draft.active,
              surveys: draft.surveys,
              settings,
            }),
          `${draft.name.trim()} created`,
        );
    if (!saved) return;
    if (!channel && saved.type !== 'email') setCreated(saved);
    else onClose();
  }

  if (created) {
    return (
      <Dialog
        key="created"
        title={`${created.name} is ready`}
        onClose={onClose}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <p className="muted channel-created-lead">
          <ChannelIcon type={created.type} withLabel /> Connect it so customers can reach you. You can find this again under Channels.
        </p>
        <ChannelSetup channel={created} autoFocus />
      </Dialog>
    );
  }

  const error = (key: string) => fields[key];
  return (
    <Dialog
      key="form"
      title={channel ? `Edit ${channel.name}` : 'New channel'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!draft.name.trim() || !teamId}>
          {channel ? 'Save' : 'Create channel'}
        </FormButtons>
      }
    >
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={draft.type}
            onChange={(event) => set({ type: event.target.value as CaseType })}
            disabled={Boolean(channel)}
          >
            {(channel && !CHANNEL_TYPES.includes(channel.type) ? [channel.type, ...CHANNEL_TYPES] : CHANNEL_TYPES).map((type) => (
              <option key={type} value={type}>
                {TYPE_LABEL[type]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            maxLength={LIMITS.name}
            value={draft.name}
            onChange={(event) => set({ name: event.target.value })}
            placeholder="e.g. Website chat"
            required
            aria-invalid={error('name') ? true : undefined}
          />
          {error('name') ? <p className="field-error">{error('name')}</p> : null}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-team`}>Team</label>
        <select
          id={`${id}-team`}
          value={teamId}
          onChange={(event) => set({ teamId: event.target.value })}
          aria-busy={teams.isLoading || undefined}
          required
        >
          {teams.data?.length ? null : <option value="">{teams.isLoading ? 'Loading teams…' : 'No teams yet'}</option>}
          <NamedOptions items={teams.data} />
        </select>
        <p className="field-hint">New cases from this channel land in this team's queue.</p>
        {error('teamId') ? <p className="field-error">{error('teamId')}</p> : null}
      </div>
      {settingGroups(draft.type).map(({ group, fields: groupFields }) => (
        <fieldset key={group ?? 'main'} className="fieldset settings-grid">
          <legend>{group ? GROUP_LABEL[group] : `${TYPE_LABEL[draft.type]} settings`}</legend>
          {group ? <p className="field-hint field-wide settings-lead">{GROUP_LEAD[group]}</p> : null}
          {groupFields.map((field) => (
            <SettingInput
              key={`${draft.type}-${field.key}`}
              field={field}
              value={draft.values[field.key] ?? ''}
              onChange={(value) => set({ values: { ...draft.values, [field.key]: value } })}
              error={error(`settings.${field.key}`) ?? (field.key.endsWith('.host') ? error(`settings.${group}`) : undefined)}
              secretSet={channel ? hasSecretFlag(channel.settings, field.key) : false}
              changing={draft.changing.includes(field.key)}
              onChangingChange={(on) =>
                set({ changing: on ? [...draft.changing, field.key] : draft.changing.filter((key) => key !== field.key) })
              }
            />
          ))}
        </fieldset>
      ))}
      <label className="check">
        <input type="checkbox" checked={draft.active} onChange={(event) => set({ active: event.target.checked })} />
        Active (an inactive channel accepts no new messages)
      </label>
      {isSurveyChannel(draft.type) ? (
        <label className="check">
          <input type="checkbox" checked={draft.surveys} onChange={(event) => set({ surveys: event.target.checked })} />
          Send a satisfaction survey when a case is resolved (a link to rate 1–5 stars; never after canceling)
        </label>
      ) : null}
    </Dialog>
  );
}
