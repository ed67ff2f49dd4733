import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LIMITS } from '@casework/domain';
import { ApiError } from '../../api/client';
import type { Case } from '../../api/types';
import { Button } from '../../components/button';
import { asSentence, CharCount } from '../../components/char-count';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useToast } from '../../components/toast';
import { CustomerCombobox } from '../customers/customer-combobox';
import { customerLabel } from '../customers/customers-api';
import { afterCaseEdit, updateCase } from './case-data-api';

type MarkOwn = (phase: 'start' | 'end') => void;
type DialogProps = { caseItem: Case; markOwn: MarkOwn; onClose: () => void };

/** Saves one PATCH as the user's own change; field refusals come back for the form to show. */
function usePatch(caseItem: Case, markOwn: MarkOwn, onDone: () => void) {
  const client = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  async function save(body: Parameters<typeof updateCase>[1], success: string) {
    setBusy(true);
    setFields({});
    markOwn('start');
    try {
      afterCaseEdit(client, await updateCase(caseItem.id, body));
      toast.success(success);
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.fields && Object.keys(error.fields).length) setFields(error.fields);
      else toast.error(error);
      setBusy(false);
    } finally {
      markOwn('end');
    }
  }
  return { busy, fields, save };
}

/** Change the subject and description; only what changed is sent, and an unchanged form sends nothing. */
export function EditCaseDialog({ caseItem, markOwn, onClose }: DialogProps) {
  const id = useId();
  const [subject, setSubject] = useState(caseItem.subject);
  const [description, setDescription] = useState(caseItem.description ?? '');
  const { busy, fields, save } = usePatch(caseItem, markOwn, onClose);
  const changes = {
    ...(subject.trim() !== caseItem.subject ? { subject: subject.trim() } : {}),
    ...(description.trim() !== (caseItem.description ?? '') ? { description: description.trim() || null } : {}),
  };
  const unchanged = Object.keys(changes).length === 0;
  const error = (key: string) =>
    fields[key] ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {asSentence(fields[key])}
      </p>
    ) : null;

  return (
    <Dialog
      title={`Edit ${caseItem.reference}`}
      onClose={onClose}
      onSubmit={() => (unchanged ? onClose() : void save(changes, 'Case saved'))}
      footer={
        <FormButtons onCancel={onClose} busy={busy}>
          Save
        </FormButtons>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-subject`}>Subject</label>
        <input
          id={`${id}-subject`}
          value={subject}
          maxLength={LIMITS.subject}
          required
          onChange={(event) => setSubject(event.target.value)}
          aria-invalid={fields.subject ? true : undefined}
          aria-describedby={fields.subject ? `${id}-subject-error` : undefined}
        />
        {error('subject')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea
          id={`${id}-description`}
          rows={8}
          value={description}
          maxLength={LIMITS.description}
          onChange={(event) => setDescription(event.target.value)}
          aria-invalid={fields.description ? true : undefined}
          aria-describedby={[fields.description ? `${id}-description-error` : '', `${id}-description-count`].filter(Boolean).join(' ')}
        />
        <CharCount id={`${id}-description-count`} value={description} max={LIMITS.description} />
        {error('description')}
      </div>
    </Dialog>
  );
}

/** Link the case to another customer, found as you type (the New case form's lookup), or unlink it. */
export function ChangeCustomerDialog({ caseItem, markOwn, onClose }: DialogProps) {
  const { busy, fields, save } = usePatch(caseItem, markOwn, onClose);
  const current = caseItem.customer ? customerLabel(caseItem.customer) : null;
  return (
    <Dialog
      title="Change the case's customer"
      onClose={onClose}
      description={current ? <>Now linked to {current}. The case's history records the change.</> : null}
      footer={
        current ? (
          <Button
            variant="ghost"
            busy={busy}
            onClick={() => void save({ customerId: null }, `${current} is no longer this case's customer`)}
          >
            Remove customer
          </Button>
        ) : null
      }
    >
      <CustomerCombobox
        label="Customer"
        placeholder="Search by name, email or phone"
        hint="Pick the customer this case belongs to."
        excludeId={caseItem.customer?.id}
        autoFocus
        onSelect={(customer) => void save({ customerId: customer.id }, `Customer changed to ${customerLabel(customer)}`)}
      />
      {fields.customerId ? (
        <p className="field-error" role="alert">
          {asSentence(fields.customerId)}
        </p>
      ) : null}
    </Dialog>
  );
}
