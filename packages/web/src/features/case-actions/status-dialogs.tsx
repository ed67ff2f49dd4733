import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { useTimeZone } from '../../api/queries';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { utcToZonedLocal, zonedLocalToUtcIso } from '../../lib/time';
import type { ActionDialogProps } from './action-dialog';
import { ResolveFields, useResolveForm } from './resolve-fields';
import { MissingRequiredNotice } from '../case-fields/required-notice';

/** Set waiting with an optional wake time, entered as wall time in the user's zone. */
export function WaitDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const timeZone = useTimeZone();
  const [wakeLocal, setWakeLocal] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const min = utcToZonedLocal(Date.now(), timeZone);

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
