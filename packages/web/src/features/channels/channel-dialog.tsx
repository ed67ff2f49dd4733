import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { api } from '../../api/client';
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
import { CHANNEL_TYPES, SETTING_FIELDS, hasSecretFlag } from './channel-settings';
import { ChannelSetup } from './channel-setup';
import { SettingInput } from './setting-input';

type Draft = { type: CaseType; name: string; teamId: string; active: boolean; values: Record<string, string>; changing: string[] };

function initialDraft(channel: Channel | null, firstTeam: string): Draft {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(channel?.settings ?? {})) if (typeof value === 'string') values[key] = value;
  return {
    type: channel?.type ?? 'web_connect',
    name: channel?.name ?? '',
    teamId: channel?.teamId ?? firstTeam,
    active: channel?.active ?? true,
    values,
    changing: [],
  };
}

/** The settings to send: all filled values on create; on edit only changes (empty → null removes, secrets only when replaced). */
function settingsBody(draft: Draft, channel: Channel | null): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const field of SETTING_FIELDS[draft.type]) {
    const value = (draft.values[field.key] ?? '').trim();
    if (!channel) {
      if (value) out[field.key] = value;
    } else if (field.secret) {
      if (value && (draft.changing.includes(field.key) || !hasSecretFlag(channel.settings, field.key))) out[field.key] = value;
    } else {
      const before = typeof channel.settings[field.key] === 'string' ? (channel.settings[field.key] as string) : '';
      if (value !== before) out[field.key] = value || null;
    }
  }
  return out;
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
          () => api.patch<'/channels/{id}'>(`/channels/${channel.id}`, { name: draft.name.trim(), teamId, active: draft.active, settings }),
          `${draft.name.trim()} saved`,
        )
      : await run(
          () => api.post<'/channels'>('/channels', { type: draft.type, name: draft.name.trim(), teamId, active: draft.active, settings }),
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
      <fieldset className="fieldset settings-grid">
        <legend>{TYPE_LABEL[draft.type]} settings</legend>
        {SETTING_FIELDS[draft.type].map((field) => (
          <SettingInput
            key={`${draft.type}-${field.key}`}
            field={field}
            value={draft.values[field.key] ?? ''}
            onChange={(value) => set({ values: { ...draft.values, [field.key]: value } })}
            error={error(`settings.${field.key}`)}
            secretSet={channel ? hasSecretFlag(channel.settings, field.key) : false}
            changing={draft.changing.includes(field.key)}
            onChangingChange={(on) =>
              set({ changing: on ? [...draft.changing, field.key] : draft.changing.filter((key) => key !== field.key) })
            }
          />
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={draft.active} onChange={(event) => set({ active: event.target.checked })} />
        Active (an inactive channel accepts no new messages)
      </label>
    </Dialog>
  );
}
