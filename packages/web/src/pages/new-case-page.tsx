import { useId, useMemo, useState, type FormEvent } from 'react';
import { LIMITS, mayCreateOnTeam, mayNameOwner } from '@casework/domain';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, randomKey } from '../api/client';
import { hasPermission, invalidateCaseViews, useMe, useOrganisation, useTeams, useUsers } from '../api/queries';
import { Button } from '../components/button';
import { CharCount, asSentence } from '../components/char-count';
import { EmptyState } from '../components/empty-state';
import { NamedOptions } from '../components/named-options';
import { useToast } from '../components/toast';
import { usePageTitle } from '../lib/use-page-title';
import { CustomerCombobox } from '../features/customers/customer-combobox';
import { customerLabel, type CustomerListItem } from '../features/customers/customers-api';
import { PRIORITIES, PRIORITY_LABELS, useTags, type Priority } from '../features/case-data/case-data-api';
import { TagInput } from '../features/case-data/tag-input';
import { NewEmailForm } from '../features/mail/new-email-form';
import { formatPhone } from '../lib/phone';

type Form = {
  subject: string;
  type: 'platform' | 'phone' | 'email';
  teamId: string;
  ownerId: string;
  description: string;
  name: string;
  email: string;
  phone: string;
  priority: Priority;
  tags: string[];
};

/** Create a case by hand: a platform case, a logged phone call, or an email to a customer. */
export function NewCasePage() {
  usePageTitle('New case');
  const me = useMe().data;
  const teams = useTeams();
  const users = useUsers();
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const ids = {
    subject: useId(),
    team: useId(),
    owner: useId(),
    priority: useId(),
    description: useId(),
    name: useId(),
    email: useId(),
    phone: useId(),
  };
  const tagSuggestions = useTags();
  const managedTags = useOrganisation().data?.managedTags ?? null;
  const [form, setForm] = useState<Form>({
    subject: '',
    type: 'platform',
    teamId: '',
    ownerId: '',
    description: '',
    name: '',
    email: '',
    phone: '',
    priority: 'normal',
    tags: [],
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [picked, setPicked] = useState<CustomerListItem | null>(null);
  const [busy, setBusy] = useState(false);
  const idempotencyKey = useMemo(() => randomKey(), []);

  // Offer only what the user may do: the same domain rules the API applies.
  const actor = me ? { id: me.id, teamIds: me.teamIds, permissions: new Set(me.permissions) } : undefined;
  const sortedTeams = [...(teams.data ?? [])]
    .filter((item) => actor && mayCreateOnTeam(actor, item.id))
    .sort((a, b) => Number(me?.teamIds.includes(b.id)) - Number(me?.teamIds.includes(a.id)) || a.name.localeCompare(b.name));
  const teamId = form.teamId || sortedTeams[0]?.id || '';
  const team = sortedTeams.find((item) => item.id === teamId);
  const members = (users.data ?? []).filter(
    (user) =>
      user.active && team && (team.memberIds.includes(user.id) || user.teamIds.includes(team.id)) && actor && mayNameOwner(actor, user.id),
  );
  const set = (key: keyof Form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [key]: event.target.value }));

  const refusal = (title: string, text: string) => (
    <div className="page page-narrow">
      <div className="page-header">
        <h1>New case</h1>
      </div>
      <EmptyState title={title}>{text}</EmptyState>
    </div>
  );
  if (me && !hasPermission(me, 'case.create')) return refusal('You cannot create cases', 'Your role does not include creating cases.');
  if (me && teams.isSuccess && sortedTeams.length === 0) {
    return refusal(
      'No team to create cases on',
      'You can create cases on your own teams, and you are not on any team yet. Ask an administrator to add you to one.',
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!form.subject.trim()) errors.subject = 'Enter a subject.';
    else if (form.subject.trim().length > LIMITS.subject) errors.subject = `Keep the subject to ${LIMITS.subject} characters or fewer.`;
    if (form.description.trim().length > LIMITS.description)
      errors.description = `Keep the description to ${LIMITS.description.toLocaleString('en')} characters or fewer.`;
    if (!teamId) errors.teamId = 'Choose a team.';
    setFields(errors);
    if (Object.keys(errors).length) return;
    const customer = { name: form.name.trim() || undefined, email: form.email.trim() || undefined, phone: form.phone.trim() || undefined };
    const body = {
      subject: form.subject.trim(),
      type: form.type,
      teamId,
      ...(form.ownerId ? { ownerId: form.ownerId } : {}),
      ...(form.description.trim() ? { description: form.description.trim() } : {}),
      ...(form.priority !== 'normal' ? { priority: form.priority } : {}),
      ...(form.tags.length ? { tags: form.tags } : {}),
      ...(picked ? { customerId: picked.id } : customer.name || customer.email || customer.phone ? { customer } : {}),
    };
    setBusy(true);
    try {
      const created = await api.post<'/cases'>('/cases', body, { headers: { 'Idempotency-Key': idempotencyKey } });
      await invalidateCaseViews(client);
      toast.success(`Case ${created.reference} created`);
      navigate(`/cases/${created.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.fields) setFields(error.fields);
      toast.error(error);
      setBusy(false);
    }
  }

  const errorId = (key: string) => `${key.replace('.', '-')}-error`;
  const error = (key: string) =>
    fields[key] ? (
      <p className="field-error" id={errorId(key)}>
        {asSentence(fields[key])}
      </p>
    ) : null;
  /** aria-invalid and aria-describedby for a field with an error and, optionally, a counter. */
  const described = (key: string, counter?: string) => ({
    'aria-invalid': fields[key] ? true : undefined,
    'aria-describedby': [fields[key] ? errorId(key) : '', counter ?? ''].filter(Boolean).join(' ') || undefined,
  });

  const kindSwitch = (
    <fieldset className="segmented-field">
      <legend>Kind</legend>
      <div className="segmented">
        <label>
          <input type="radio" name="kind" checked={form.type === 'platform'} onChange={() => setForm({ ...form, type: 'platform' })} />
          Case
        </label>
        <label>
          <input type="radio" name="kind" checked={form.type === 'phone'} onChange={() => setForm({ ...form, type: 'phone' })} />
          Log a call
        </label>
        <label>
          <input type="radio" name="kind" checked={form.type === 'email'} onChange={() => setForm({ ...form, type: 'email' })} />
          Email a customer
        </label>
      </div>
    </fieldset>
  );
  if (form.type === 'email') {
    return (
      <div className="page page-narrow">
        <div className="page-header">
          <h1>New case</h1>
        </div>
        <NewEmailForm kindSwitch={kindSwitch} />
      </div>
    );
  }

  return (
    <div className="page page-narrow">
      <div className="page-header">
        <h1>New case</h1>
      </div>
      <form className="panel form" onSubmit={(event) => void submit(event)} noValidate>
        {kindSwitch}
        <div className="field">
          <label htmlFor={ids.subject}>Subject</label>
          <input
            id={ids.subject}
            value={form.subject}
            onChange={set('subject')}
            required
            maxLength={LIMITS.subject}
            {...described('subject', `${ids.subject}-count`)}
          />
          <div className="field-foot">
            {error('subject')}
            <CharCount id={`${ids.subject}-count`} value={form.subject} max={LIMITS.subject} />
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.team}>Team</label>
            <select
              id={ids.team}
              value={teamId}
              onChange={(event) => setForm({ ...form, teamId: event.target.value, ownerId: '' })}
              aria-busy={teams.isPending || undefined}
              {...described('teamId')}
            >
              <NamedOptions items={sortedTeams} />
            </select>
            {teams.isError ? <p className="field-error">Teams could not be loaded.</p> : null}
            {error('teamId')}
          </div>
          <div className="field">
            <label htmlFor={ids.owner}>Owner (optional)</label>
            <select id={ids.owner} value={form.ownerId} onChange={set('ownerId')} {...described('ownerId')}>
              <option value="">Unassigned (team queue)</option>
              {members.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.id === me?.id ? `${user.name} (me)` : user.name}
                </option>
              ))}
            </select>
            {error('ownerId')}
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.priority}>Priority</label>
            <select
              id={ids.priority}
              value={form.priority}
              onChange={(event) => setForm({ ...form, priority: event.target.value as Priority })}
              {...described('priority')}
            >
              {PRIORITIES.map((priority) => (
                <option key={priority} value={priority}>
                  {PRIORITY_LABELS[priority]}
                </option>
              ))}
            </select>
            {error('priority')}
          </div>
          <div className="field">
            <TagInput
              label="Tags (optional)"
              showLabel
              tags={form.tags}
              suggestions={(tagSuggestions.data ?? []).map((tag) => tag.name)}
              allowed={managedTags}
              error={fields.tags ?? Object.entries(fields).find(([key]) => key.startsWith('tags.'))?.[1] ?? null}
              onAdd={(tag) => setForm((current) => ({ ...current, tags: [...current.tags, tag] }))}
              onRemove={(tag) => setForm((current) => ({ ...current, tags: current.tags.filter((t) => t !== tag) }))}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor={ids.description}>{form.type === 'phone' ? 'Call notes' : 'Description'}</label>
          <textarea
            id={ids.description}
            rows={5}
            value={form.description}
            onChange={set('description')}
            maxLength={LIMITS.description}
            {...described('description', `${ids.description}-count`)}
          />
          <div className="field-foot">
            {error('description')}
            <CharCount id={`${ids.description}-count`} value={form.description} max={LIMITS.description} />
          </div>
        </div>
        <fieldset className="fieldset">
          <legend>Customer</legend>
          {picked ? (
            <div className="picked-customer">
              <div>
                <strong>{customerLabel(picked)}</strong>
                <div className="muted">
                  {[
                    picked.name ? picked.email : null,
                    picked.phone ? formatPhone(picked.phone) : null,
                    `${picked.caseCount} case${picked.caseCount === 1 ? '' : 's'}`,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </div>
              <Button size="sm" onClick={() => setPicked(null)} aria-label={`Change customer (now ${customerLabel(picked)})`}>
                Change
              </Button>
            </div>
          ) : (
            <CustomerCombobox
              label="Find an existing customer"
              hint="Type a name, email or phone, or leave it and enter a new customer's details below."
              placeholder="Search customers"
              onSelect={setPicked}
            />
          )}
          {picked ? null : (
            <div className="form-row form-row-3">
              <div className="field">
                <label htmlFor={ids.name}>Name</label>
                <input
                  id={ids.name}
                  value={form.name}
                  onChange={set('name')}
                  autoComplete="off"
                  maxLength={LIMITS.customerName}
                  {...described('customer.name')}
                />
                {error('customer.name')}
              </div>
              <div className="field">
                <label htmlFor={ids.email}>Email</label>
                <input
                  id={ids.email}
                  type="email"
                  value={form.email}
                  onChange={set('email')}
                  autoComplete="off"
                  maxLength={LIMITS.email}
                  {...described('customer.email')}
                />
                {error('customer.email')}
              </div>
              <div className="field">
                <label htmlFor={ids.phone}>Phone</label>
                <input
                  id={ids.phone}
                  type="tel"
                  value={form.phone}
                  onChange={set('phone')}
                  autoComplete="off"
                  maxLength={LIMITS.phone}
                  {...described('customer.phone')}
                />
                {error('customer.phone')}
              </div>
            </div>
          )}
        </fieldset>
        <div className="form-actions">
          <Button onClick={() => navigate(-1)}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {form.type === 'phone' ? 'Log call' : 'Create case'}
          </Button>
        </div>
      </form>
    </div>
  );
}
