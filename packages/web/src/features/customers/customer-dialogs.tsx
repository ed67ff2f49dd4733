import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import { invalidateCaseViews } from '../../api/queries';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { FormButtons } from '../../components/form-buttons';
import { useToast } from '../../components/toast';
import { asSentence } from '../../components/char-count';
import { CustomerCombobox } from './customer-combobox';
import { customerKeys, customerLabel, type CustomerListItem, type CustomerProfile } from './customers-api';
import { formatPhone } from '../../lib/phone';

/** Change a customer's name, email and phone; the server's refusals show on their fields. */
export function EditCustomerDialog({ customer, onClose }: { customer: CustomerProfile; onClose: () => void }) {
  const id = useId();
  const client = useQueryClient();
  const toast = useToast();
  const [form, setForm] = useState({ name: customer.name ?? '', email: customer.email ?? '', phone: customer.phone ?? '' });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    try {
      await api.patch<'/customers/{id}'>(`/customers/${customer.id}`, {
        name: form.name.trim() || null,
        email: form.email.trim() || null,
        phone: form.phone.trim() || null,
      });
      await Promise.all([client.invalidateQueries({ queryKey: customerKeys.all }), invalidateCaseViews(client)]);
      toast.success('Customer saved');
      onClose();
    } catch (error) {
      if (error instanceof ApiError && error.fields) setFields(error.fields);
      else toast.error(error);
      setBusy(false);
    }
  }

  const field = (key: 'name' | 'email' | 'phone', label: string, type: string, max: number) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type={type}
        maxLength={max}
        autoComplete="off"
        value={form[key]}
        onChange={(event) => setForm({ ...form, [key]: event.target.value })}
        aria-invalid={fields[key] ? true : undefined}
        aria-describedby={fields[key] ? `${id}-${key}-error` : undefined}
      />
      {fields[key] ? (
        <p className="field-error" id={`${id}-${key}-error`}>
          {asSentence(fields[key])}
        </p>
      ) : null}
    </div>
  );

  return (
    <Dialog
      title={`Edit ${customerLabel(customer)}`}
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <FormButtons onCancel={onClose} busy={busy}>
          Save
        </FormButtons>
      }
    >
      {field('name', 'Name', 'text', LIMITS.customerName)}
      {field('email', 'Email', 'email', LIMITS.email)}
      {field('phone', 'Phone', 'tel', LIMITS.phone)}
    </Dialog>
  );
}

/**
 * Merge this customer into another: pick the survivor by searching, then confirm. Everything of
 * this customer moves to the survivor and this profile goes away, so the last step says so.
 */
export function MergeCustomerDialog({ customer, onClose }: { customer: CustomerProfile; onClose: () => void }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const [target, setTarget] = useState<CustomerListItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = customerLabel(customer);

  async function merge() {
    if (!target) return;
    setBusy(true);
    try {
      const survivor = await api.post<'/customers/{id}/merge'>(`/customers/${customer.id}/merge`, { intoCustomerId: target.id });
      await Promise.all([client.invalidateQueries({ queryKey: customerKeys.all }), invalidateCaseViews(client)]);
      toast.success(`${name} merged into ${customerLabel(survivor)}`);
      onClose();
      navigate(`/customers/${survivor.id}`, { replace: true });
    } catch (error) {
      setProblem(error instanceof ApiError ? (Object.values(error.fields ?? {})[0] ?? error.detail ?? error.title) : 'The merge failed.');
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={`Merge ${name} into another customer`}
      onClose={onClose}
      footer={
        target ? (
          <>
            <Button onClick={() => setTarget(null)}>Back</Button>
            <Button variant="danger" busy={busy} onClick={() => void merge()}>
              Merge into {customerLabel(target)}
            </Button>
          </>
        ) : (
          <Button onClick={onClose}>Cancel</Button>
        )
      }
    >
      {target ? (
        <div className="merge-confirm">
          <p>
            All of <strong>{name}</strong>’s cases ({customer.caseCount} you can see) move to <strong>{customerLabel(target)}</strong>, with
            a note in each case’s history. Messages from{' '}
            {[customer.email, customer.phone ? formatPhone(customer.phone) : null].filter(Boolean).join(' or ') || 'their addresses'} will
            reach {customerLabel(target)} from now on.
          </p>
          <div className="merge-pair">
            <MergeCard label="Merged" c={customer} />
            <span aria-hidden="true" className="merge-arrow">
              →
            </span>
            <MergeCard label="Kept" c={target} />
          </div>
          <p className="muted">This profile is then removed. A merge cannot be undone.</p>
          {problem ? (
            <p className="field-error" role="alert">
              {asSentence(problem)}
            </p>
          ) : null}
        </div>
      ) : (
        <CustomerCombobox
          label="Customer to keep"
          hint="Search by name, email or phone. The customer you pick keeps their details; missing ones are filled in from this one."
          placeholder="Search customers"
          excludeId={customer.id}
          onSelect={setTarget}
          autoFocus
        />
      )}
    </Dialog>
  );
}

function MergeCard({ label, c }: { label: string; c: { name: string | null; email: string | null; phone: string | null } }) {
  return (
    <div className="merge-card">
      <span className="merge-card-label">{label}</span>
      <strong>{customerLabel(c)}</strong>
      {c.name && c.email ? <span className="muted">{c.email}</span> : null}
      {c.phone ? <span className="muted">{formatPhone(c.phone)}</span> : null}
    </div>
  );
}
