import { useId, useState } from 'react';
import { LIMITS, WAKE_CHOICES, wakeTime, type WakeChoice } from '@casework/domain';
import { useTimeZone } from '../../api/queries';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { utcToZonedLocal, zonedLocalToUtcIso } from '../../lib/time';
import type { ActionDialogProps } from './action-dialog';
import { ResolveFields, useResolveForm } from './resolve-fields';
import { MissingRequiredNotice } from '../case-fields/required-notice';

const WAKE_LABEL: Record<WakeChoice, string> = {
  in_an_hour: 'In an hour',
  tomorrow_9: 'Tomorrow 9:00',
  next_monday_9: 'Next Monday 9:00',
};

/** "Thu 11 Jun, 09:00" in the user's zone: what a quick choice means. */
const choiceWhen = (at: Date, timeZone: string) =>
  at.toLocaleString(undefined, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * Set waiting with an optional wake time: a quick choice (in an hour, tomorrow 9:00, next Monday
 * 9:00 in the user's zone: the domain's wakeTime) fills the date field, which can also be set by hand.
 */
export function WaitDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const timeZone = useTimeZone();
  const [wakeLocal, setWakeLocal] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const [now] = useState(() => new Date());
  const [chosen, setChosen] = useState<WakeChoice | null>(null);
  const min = utcToZonedLocal(now.getTime(), timeZone);
  const choices = WAKE_CHOICES.map((choice) => {
    const at = wakeTime(choice, now, timeZone);
    return { choice, at, local: utcToZonedLocal(at.getTime(), timeZone) };
  });

  function submit() {
    if (!wakeLocal) return onConfirm({});
    const wakeAt = zonedLocalToUtcIso(wakeLocal, timeZone);
    if (new Date(wakeAt).getTime() <= Date.now()) {
      setError('The wake time must be in the future.');
      return;
    }
    onConfirm({ wakeAt });
  }

  return (
    <Dialog
      title={`Set case ${caseItem.reference} to waiting`}
      description={caseItem.subject}
      onClose={onCancel}
      onSubmit={submit}
      footer={
        <FormButtons onCancel={onCancel} busy={busy}>
          Set waiting
        </FormButtons>
      }
    >
      <fieldset className="segmented-field">
        <legend>Quick choices</legend>
        <div className="wake-choices">
          {choices.map(({ choice, at, local }) => (
            <button
              key={choice}
              type="button"
              className="wake-choice"
              aria-pressed={chosen === choice && wakeLocal === local}
              onClick={() => {
                setChosen(choice);
                setWakeLocal(local);
                setError(null);
              }}
            >
              <span className="wake-choice-label">{WAKE_LABEL[choice]}</span>
              <span className="wake-choice-when">{choiceWhen(at, timeZone)}</span>
            </button>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={fieldId}>Wake up at (optional)</label>
        <input
          id={fieldId}
          type="datetime-local"
          value={wakeLocal}
          min={min}
          onChange={(event) => {
            setWakeLocal(event.target.value);
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${fieldId}-hint`}
        />
        <p className="field-hint" id={`${fieldId}-hint`}>
          Time zone: {timeZone}. The case returns to Ready at this time, or as soon as the customer replies.
        </p>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}

/** Resolve as completed or unresolved, with an optional internal note. */
export function ResolveDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const form = useResolveForm();
  return (
    <Dialog
      title={`Resolve case ${caseItem.reference}`}
      description={caseItem.subject}
      onClose={onCancel}
      onSubmit={() => onConfirm(form.input)}
      footer={
        <FormButtons onCancel={onCancel} busy={busy}>
          Resolve
        </FormButtons>
      }
    >
      <MissingRequiredNotice caseItem={caseItem} />
      <ResolveFields form={form} noteLabel="Note (optional)" />
    </Dialog>
  );
}

/** Cancel needs a confirmation: no messages or surveys go to the customer. */
export function CancelDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const [note, setNote] = useState('');
  const noteId = useId();
  return (
    <Dialog
      title={`Cancel case ${caseItem.reference}?`}
      size="sm"
      description={<p>The case is closed as canceled. The customer gets no message or survey. It can be reopened later.</p>}
      onClose={onCancel}
      onSubmit={() => onConfirm({ note: note.trim() || undefined })}
      footer={
        <>
          <Button onClick={onCancel} data-autofocus>
            Keep case
          </Button>
          <Button type="submit" variant="danger" busy={busy}>
            Cancel case
          </Button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={noteId}>Reason (optional)</label>
        <textarea id={noteId} rows={2} maxLength={LIMITS.actionNote} value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
    </Dialog>
  );
}
