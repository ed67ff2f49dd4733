import { useId, useState } from 'react';
import { LIMITS, PRIORITIES, roleMayTakeStep, type CannedScope, type MacroStepType, type Priority } from '@casework/domain';
import { api } from '../../api/client';
import { useMe, useTeams } from '../../api/queries';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useAdminAction } from '../admin/use-admin-action';
import { PRIORITY_LABELS } from '../case-data/case-data-api';
import { useCaseFields, type CaseField } from '../case-fields/fields-api';
import { SCOPE_LABEL } from '../canned-replies/canned-api';
import {
  blankStep,
  keepableMacroScopes,
  macroKeys,
  macroUser,
  STEP_LABELS,
  takeableStepTypes,
  type Macro,
  type MacroStepInput,
} from './macros-api';

type Team = { id: string; name: string };

/** Write a macro or change one: title, who can use it, and its steps in order. */
export function MacroDialog({ macro, onClose }: { macro: Macro | null; onClose: () => void }) {
  const me = useMe().data;
  const teams = useTeams().data ?? [];
  const fields = useCaseFields().data ?? [];
  const scopes = keepableMacroScopes(me);
  const types = takeableStepTypes(me);
  // Moving to a team takes case.assign; without it an assign step can only remove the owner.
  const mayMove = me ? roleMayTakeStep(macroUser(me), { type: 'assign', teamId: me.teamIds[0] ?? '' }) : false;
  const myTeams = teams.filter((t) => me?.teamIds.includes(t.id));
  const { run, busy, fields: errors } = useAdminAction([macroKeys.list]);
  const [title, setTitle] = useState(macro?.title ?? '');
  const [scope, setScope] = useState<CannedScope>(macro?.scope ?? scopes[0] ?? 'personal');
  const [teamId, setTeamId] = useState(macro?.teamId ?? myTeams[0]?.id ?? '');
  const [steps, setSteps] = useState<MacroStepInput[]>(macro?.steps ?? []);
  const [adding, setAdding] = useState<MacroStepType>(types[0] ?? 'follow');
  const id = useId();
  const team = scope === 'team' ? teamId || myTeams[0]?.id || '' : null;
  const canSave = title.trim() && steps.length > 0 && (scope !== 'team' || team);

  const change = (i: number, step: MacroStepInput) => setSteps(steps.map((s, j) => (j === i ? step : s)));
  const remove = (i: number) => setSteps(steps.filter((_, j) => j !== i));

  async function save() {
    const payload = { title: title.trim(), steps, scope, teamId: team };
    const saved = macro
      ? await run(() => api.patch<'/macros/{id}'>(`/macros/${macro.id}`, payload), `${payload.title} saved`)
      : await run(() => api.post<'/macros'>('/macros', payload), `${payload.title} added`);
    if (saved) onClose();
  }

  const error = (name: string) => (errors[name] ? <p className="field-error">{errors[name]}</p> : null);
  return (
    <Dialog
      title={macro ? `Edit ${macro.title}` : 'New macro'}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy} disabled={!canSave}>
          {macro ? 'Save' : 'Add macro'}
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          value={title}
          maxLength={LIMITS.name}
          placeholder="e.g. Refund sent"
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
            {macro && !scopes.includes(macro.scope) ? <option value={macro.scope}>{SCOPE_LABEL[macro.scope]}</option> : null}
          </select>
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
      <fieldset className="fieldset macro-steps">
        <legend>Steps, in order</legend>
        <p className="field-hint">
          Applied all at once through the usual rules: if one is not allowed on a case, nothing changes. At most one of set waiting, resolve
          and assign.
        </p>
        {error('steps')}
        <ol className="macro-step-list">
          {steps.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id; every input in a row is controlled by the step itself
            <li key={`${i}-${step.type}`} className="macro-step">
              <div className="macro-step-head">
                <span className="macro-step-name">
                  {i + 1}. {STEP_LABELS[step.type]}
                </span>
                <Button size="sm" variant="ghost" onClick={() => remove(i)} aria-label={`Remove step ${i + 1}, ${STEP_LABELS[step.type]}`}>
                  Remove
                </Button>
              </div>
              <StepFields step={step} index={i} onChange={(s) => change(i, s)} teams={mayMove ? teams : []} fields={fields} />
              {Object.entries(errors)
                .filter(([k]) => k === `steps.${i}` || k.startsWith(`steps.${i}.`))
                .map(([k, message]) => (
                  <p key={k} className="field-error">
                    {message}
                  </p>
                ))}
            </li>
          ))}
        </ol>
        <div className="macro-add">
          <label htmlFor={`${id}-add`} className="visually-hidden">
            Step to add
          </label>
          <select id={`${id}-add`} value={adding} onChange={(event) => setAdding(event.target.value as MacroStepType)}>
            {types.map((t) => (
              <option key={t} value={t}>
                {STEP_LABELS[t]}
              </option>
            ))}
          </select>
          <Button size="sm" onClick={() => setSteps([...steps, blankStep(adding)])}>
            Add step
          </Button>
        </div>
      </fieldset>
    </Dialog>
  );
}

/** The inputs of one step, by its type. */
function StepFields({
  step,
  index,
  onChange,
  teams,
  fields,
}: {
  step: MacroStepInput;
  index: number;
  onChange: (step: MacroStepInput) => void;
  teams: Team[];
  fields: CaseField[];
}) {
  const id = `macro-step-${index}`;
  switch (step.type) {
    case 'reply':
    case 'note':
      return (
        <div className="field">
          <label htmlFor={id}>{step.type === 'reply' ? 'Reply text' : 'Note text'}</label>
          <textarea
            id={id}
            rows={3}
            value={step.body ?? ''}
            maxLength={LIMITS.message}
            onChange={(event) => onChange({ ...step, body: event.target.value })}
          />
          <p className="field-hint">Placeholders as in canned replies, e.g. {'{{customer.firstName}}'}.</p>
        </div>
      );
    case 'add_tags':
    case 'remove_tags':
      return (
        <div className="field">
          <label htmlFor={id}>Tags, separated by commas</label>
          <input
            id={id}
            value={(step.tags ?? []).join(', ')}
            onChange={(event) => onChange({ ...step, tags: event.target.value.split(',').map((t) => t.trimStart()) })}
            onBlur={() => onChange({ ...step, tags: (step.tags ?? []).map((t) => t.trim()).filter(Boolean) })}
          />
        </div>
      );
    case 'set_priority':
      return (
        <div className="field">
          <label htmlFor={id}>Priority</label>
          <select id={id} value={step.priority} onChange={(event) => onChange({ ...step, priority: event.target.value as Priority })}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
      );
    case 'set_fields':
      return <FieldStep step={step} id={id} onChange={onChange} fields={fields} />;
    case 'wait':
      return (
        <div className="field">
          <label htmlFor={id}>Wake after (hours, optional)</label>
          <input
            id={id}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            value={step.wakeInMinutes ? step.wakeInMinutes / 60 : ''}
            onChange={(event) => {
              const hours = Number(event.target.value);
              const { wakeInMinutes: _, ...rest } = step;
              onChange(hours > 0 ? { ...rest, wakeInMinutes: Math.round(hours * 60) } : rest);
            }}
          />
        </div>
      );
    case 'resolve':
      return (
        <div className="field">
          <label htmlFor={id}>Resolution</label>
          <select
            id={id}
            value={step.resolution}
            onChange={(event) => onChange({ ...step, resolution: event.target.value as 'completed' })}
          >
            <option value="completed">Completed</option>
            <option value="unresolved">Unresolved</option>
            <option value="canceled">Cancel the case</option>
          </select>
        </div>
      );
    case 'assign':
      return (
        <div className="field">
          <label htmlFor={id}>Move to</label>
          <select
            id={id}
            value={step.teamId ?? ''}
            onChange={(event) =>
              onChange(event.target.value ? { type: 'assign', teamId: event.target.value } : { type: 'assign', ownerId: null })
            }
          >
            <option value="">Keep the team, remove the owner</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      );
    default:
      return null;
  }
}

/** A set-fields step: one field and its value (add another step for another field). */
function FieldStep({
  step,
  id,
  onChange,
  fields,
}: {
  step: MacroStepInput;
  id: string;
  onChange: (step: MacroStepInput) => void;
  fields: CaseField[];
}) {
  const [key, raw] = Object.entries(step.fields ?? {})[0] ?? [fields[0]?.key ?? '', ''];
  const field = fields.find((f) => f.key === key);
  const set = (k: string, value: string) =>
    onChange({
      ...step,
      fields: k
        ? {
            [k]: toValue(
              fields.find((f) => f.key === k),
              value,
            ),
          }
        : {},
    });
  const text = Array.isArray(raw) ? raw.join(', ') : raw === null || raw === undefined ? '' : String(raw);
  return (
    <div className="settings-grid">
      <div className="field">
        <label htmlFor={`${id}-key`}>Field</label>
        <select id={`${id}-key`} value={key} onChange={(event) => set(event.target.value, '')}>
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>Value</label>
        {field?.options ? (
          <select id={`${id}-value`} value={text} onChange={(event) => set(key, event.target.value)}>
            <option value="">(empty)</option>
            {field.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : field?.type === 'checkbox' ? (
          <select id={`${id}-value`} value={text} onChange={(event) => set(key, event.target.value)}>
            <option value="true">Yes</option>
            <option value="false">No</option>
          </select>
        ) : (
          <input
            id={`${id}-value`}
            type={field?.type === 'number' ? 'number' : field?.type === 'date' ? 'date' : 'text'}
            value={text}
            onChange={(event) => set(key, event.target.value)}
          />
        )}
      </div>
    </div>
  );
}

/** A field's value from its input, as the API takes it (empty clears it). */
function toValue(field: CaseField | undefined, text: string): string | number | boolean | string[] | null {
  if (text === '') return null;
  if (field?.type === 'number') return Number(text);
  if (field?.type === 'checkbox') return text === 'true';
  if (field?.type === 'multiselect') return [text];
  return text;
}
