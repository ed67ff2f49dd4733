import { useState } from 'react';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import type { ActionDialogProps } from './action-dialog';

type Choice = 'none' | 'sender' | 'domain';

/** The part of an address after its last @, lower-case. */
const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * Mark as spam (SPEC §13): the case leaves every list, queue and My Work (the Cases list's Spam
 * filter still finds it) and is deleted after the organisation's retention period. Optionally the
 * customer's address or its whole domain is blocked, so their next mail arrives as spam directly.
 */
export function SpamDialog({ caseItem, busy, onCancel, onConfirm }: ActionDialogProps) {
  const email = caseItem.customer?.email?.trim().toLowerCase() ?? null;
  const [choice, setChoice] = useState<Choice>('none');
  const options: { value: Choice; label: string; hint: string }[] = [
    { value: 'none', label: 'Only mark this case', hint: 'Later mail from this sender still opens a case.' },
    ...(email
      ? [
          { value: 'sender' as const, label: `Block ${email}`, hint: 'Their mail arrives as spam directly.' },
          {
            value: 'domain' as const,
            label: `Block everyone at ${domainOf(email)}`,
            hint: 'Mail from any address of this domain arrives as spam.',
          },
        ]
      : []),
  ];
  return (
    <Dialog
      title={`Mark case ${caseItem.reference} as spam?`}
      size="sm"
      description={
        <p>
          The case leaves queues, My Work and the Cases list (find it under the Spam filter), nobody is asked to answer it, and it is
          deleted after the retention period. “Not spam” restores it.
        </p>
      }
      onClose={onCancel}
      onSubmit={() => onConfirm(choice === 'none' ? {} : { block: choice })}
      footer={
        <>
          <Button onClick={onCancel} data-autofocus>
            Keep case
          </Button>
          <Button type="submit" variant="danger" busy={busy}>
            Mark as spam
          </Button>
        </>
      }
    >
      <fieldset className="radio-list spam-choices">
        <legend>Sender</legend>
        {options.map((o) => (
          <label key={o.value} className="spam-choice">
            <input type="radio" name="spam-block" value={o.value} checked={choice === o.value} onChange={() => setChoice(o.value)} />
            <span>
              <span className="spam-choice-label">{o.label}</span>
              <span className="spam-choice-hint">{o.hint}</span>
            </span>
          </label>
        ))}
        {email ? null : <p className="field-hint">The customer has no email address, so there is no sender to block.</p>}
      </fieldset>
    </Dialog>
  );
}
