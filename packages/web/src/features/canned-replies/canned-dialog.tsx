import { useId, useRef, useState } from 'react';
import {
  firstNameOf,
  LIMITS,
  PLACEHOLDER_NAMES,
  PLACEHOLDERS,
  placeholderToken,
  renderPlaceholders,
  unknownPlaceholders,
  type CannedScope,
} from '@casework/domain';
import { api } from '../../api/client';
import { useMe, useOrganisation, useTeams } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { cannedKeys, keepableScopes, SCOPE_LABEL, type CannedReply } from './canned-api';

const SAMPLE_CUSTOMER = { name: 'Ada Lovelace', email: 'ada@example.com' };
const SAMPLE_CASE = { reference: 'C-10042', subject: 'Cannot sign in after the update' };

/** Write a canned reply, or change one: title, scope, and a body with placeholders shown filled in as you type. */
export function CannedDialog({ reply, onClose }: { reply: CannedReply | null; onClose: () => void }) {
  const me = useMe().data;
  const organisation = useOrganisation().data;
  const teams = useTeams();
  const scopes = keepableScopes(me);
  const myTeams = (teams.data ?? []).filter((t) => me?.teamIds.includes(t.id));
  const { run, busy, fields: errors } = useAdminAction([cannedKeys.list]);
  const [title, setTitle] = useState(reply?.title ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const [scope, setScope] = useState<CannedScope>(reply?.scope ?? scopes[0] ?? 'personal');
  const [teamId, setTeamId] = useState(reply?.teamId ?? myTeams[0]?.id ?? '');
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const unknown = unknownPlaceholders(body);
  const team = scope === 'team' ? teamId || myTeams[0]?.id || '' : null;
  const canSave = title.trim() && body.trim() && unknown.length === 0 && (scope !== 'team' || team);
  const preview = renderPlaceholders(body, {
    customer: SAMPLE_CUSTOMER,
    case: SAMPLE_CASE,
    agent: { name: me?.name ?? 'You' },
    organisation: { name: organisation?.name ?? 'Your organisation' },
  });

  function insert(token: string) {
    const box = bodyRef.current;
    const start = box?.selectionStart ?? body.length;
    const end = box?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + token + body.slice(end));
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  async function save() {
    const payload = { title: title.trim(), body: body.trim(), scope, teamId: team };
    const saved = reply
      ? await run(() => api.patch<'/canned-replies/{id}'>(`/canned-replies/${reply.id}`, payload), `${payload.title} saved`)
      : await run(() => api.post<'/canned-replies'>('/canned-replies', payload), `${payload.title} added`);
    if (saved) onClose();
  }

  const error = (name: string) => (errors[name] ? <p className="field-error">{errors[name]}</p> : null);
  return (
    <Dialog
      title={reply ? `Edit ${reply.title}` : 'New canned reply'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {reply ? 'Save' : 'Add reply'}
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          value={title}
          maxLength={LIMITS.name}
          placeholder="e.g. Password reset steps"
          onChange={(event) => setTitle(event.target.value)}
          required
        />
        {error('title')}
      </div>
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-scope`}>Who can use it</label>
          <select id={`${id}-scope`} value={scope} onChange={(event) => setScope(event.target.value as CannedScope)}>
            {scopes.map((s) => (
              <option key={s} value={s}>
                {s === 'personal' ? 'Only me' : s === 'team' ? 'A team of mine' : 'Everyone in the organisation'}
              </option>
            ))}
            {reply && !scopes.includes(reply.scope) ? <option value={reply.scope}>{SCOPE_LABEL[reply.scope]}</option> : null}
          </select>
          {error('scope')}
        </div>
        {scope === 'team' ? (
          <div className="field">
            <label htmlFor={`${id}-team`}>Team</label>
            <select id={`${id}-team`} value={team ?? ''} onChange={(event) => setTeamId(event.target.value)}>
              {myTeams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            {error('teamId')}
          </div>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>Text</label>
        <textarea
          ref={bodyRef}
          id={`${id}-body`}
          rows={7}
          value={body}
          maxLength={LIMITS.message}
          aria-describedby={`${id}-placeholders-hint`}
          aria-invalid={unknown.length > 0 || undefined}
          onChange={(event) => setBody(event.target.value)}
          required
        />
        {unknown.length ? (
          <p className="field-error" role="alert">
            Unknown placeholder{unknown.length > 1 ? 's' : ''}: {unknown.join(', ')}
          </p>
        ) : null}
        {error('body')}
      </div>
      <fieldset className="fieldset placeholder-list">
        <legend>Placeholders</legend>
        <p className="field-hint" id={`${id}-placeholders-hint`}>
          Click one to insert it at the cursor. They are filled in for the case when the reply is inserted; a missing value (a customer
          without a name) is left out.
        </p>
        <div className="placeholder-chips">
          {PLACEHOLDER_NAMES.map((p) => (
            <button key={p} type="button" className="placeholder-chip" title={PLACEHOLDERS[p]} onClick={() => insert(placeholderToken(p))}>
              <code>{placeholderToken(p)}</code>
              <span className="visually-hidden"> — {PLACEHOLDERS[p]}</span>
            </button>
          ))}
        </div>
      </fieldset>
      <section className="canned-preview" aria-labelledby={`${id}-preview`}>
        <h3 id={`${id}-preview`}>
          Preview{' '}
          <span className="muted">
            for {firstNameOf(SAMPLE_CUSTOMER.name)}'s case {SAMPLE_CASE.reference}
          </span>
        </h3>
        <p className={preview.trim() ? 'canned-preview-text' : 'canned-preview-text muted'} aria-live="polite">
          {preview.trim() || 'The text appears here as the customer will read it.'}
        </p>
      </section>
    </Dialog>
  );
}
