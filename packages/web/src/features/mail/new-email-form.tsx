import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { LIMITS } from '@casework/domain';
import { useNavigate } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, randomKey } from '../../api/client';
import { invalidateCaseViews } from '../../api/queries';
import { Button } from '../../components/button';
import { asSentence } from '../../components/char-count';
import { EmptyState } from '../../components/empty-state';
import { useToast } from '../../components/toast';
import { MailCopies, NO_COPIES, splitAddresses } from './mail-copies';

/**
 * Start an email conversation (SPEC §13): from one of the email channels the user may use, to an
 * address, with a subject and the first message; the case is theirs and the mail leaves through
 * the channel like any reply.
 */
export function NewEmailForm({ kindSwitch }: { kindSwitch: ReactNode }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const toast = useToast();
  const ids = { channel: useId(), to: useId(), name: useId(), subject: useId(), body: useId() };
  const channels = useQuery({
    queryKey: ['email-channels'],
    queryFn: ({ signal }) => api.get<'/cases/email/channels'>('/cases/email/channels', { signal }),
  });
  const [form, setForm] = useState({ channelId: '', to: '', name: '', subject: '', body: '' });
  const [copies, setCopies] = useState(NO_COPIES);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const idempotencyKey = useMemo(() => randomKey(), []);
  const list = channels.data?.channels ?? [];
  const channelId = form.channelId || list[0]?.id || '';
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!channelId) errors.channelId = 'Choose the mailbox to send from.';
    if (!form.to.trim()) errors.to = "Enter the customer's email address.";
    if (!form.subject.trim()) errors.subject = 'Enter a subject.';
    if (!form.body.trim()) errors.body = 'Write the message.';
    setFields(errors);
    if (Object.keys(errors).length) return;
    const cc = splitAddresses(copies.cc);
    const bcc = splitAddresses(copies.bcc);
    setBusy(true);
    try {
      const created = await api.post<'/cases/email'>(
        '/cases/email',
        {
          channelId,
          to: form.to.trim(),
          ...(form.name.trim() ? { name: form.name.trim() } : {}),
          subject: form.subject.trim(),
          body: form.body,
          ...(cc.length ? { cc } : {}),
          ...(bcc.length ? { bcc } : {}),
        },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      );
      await invalidateCaseViews(client);
      toast.success(`Case ${created.reference} created`, 'Your email is on its way.');
      navigate(`/cases/${created.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.fields) {
        setFields(error.fields);
        if (Object.keys(error.fields).some((k) => k.startsWith('cc') || k.startsWith('bcc'))) setCopies((c) => ({ ...c, open: true }));
      }
      toast.error(error);
      setBusy(false);
    }
  }

  const errorId = (key: string) => `email-${key.replace(/[.[\]]/g, '-')}-error`;
  const error = (key: string) =>
    fields[key] ? (
      <p className="field-error" id={errorId(key)}>
        {asSentence(fields[key])}
      </p>
    ) : null;
  const described = (key: string) => ({
    'aria-invalid': fields[key] ? true : undefined,
    'aria-describedby': fields[key] ? errorId(key) : undefined,
  });
  const copyErrors = Object.entries(fields).filter(([k]) => k.startsWith('cc') || k.startsWith('bcc'));

  return (
    <form className="panel form" onSubmit={(event) => void submit(event)} noValidate>
      {kindSwitch}
      {channels.isSuccess && list.length === 0 ? (
        <EmptyState title="No mailbox to send from">
          None of your teams has an email channel. Ask an administrator to connect your team's mailbox.
        </EmptyState>
      ) : (
        <>
          <div className="field">
            <label htmlFor={ids.channel}>From</label>
            <select
              id={ids.channel}
              value={channelId}
              onChange={set('channelId')}
              aria-busy={channels.isPending || undefined}
              {...described('channelId')}
            >
              {list.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} &lt;{c.address}&gt;
                </option>
              ))}
            </select>
            {error('channelId')}
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.to}>To (email)</label>
              <input
                id={ids.to}
                type="email"
                value={form.to}
                onChange={set('to')}
                autoComplete="off"
                maxLength={LIMITS.email}
                {...described('to')}
              />
              {error('to')}
            </div>
            <div className="field">
              <label htmlFor={ids.name}>Name (optional)</label>
              <input
                id={ids.name}
                value={form.name}
                onChange={set('name')}
                autoComplete="off"
                maxLength={LIMITS.customerName}
                {...described('name')}
              />
              {error('name')}
            </div>
          </div>
          <MailCopies copies={copies} onChange={setCopies} />
          {copyErrors.map(([k, m]) => (
            <p className="field-error" key={k}>
              {k.startsWith('bcc') ? 'Bcc' : 'Cc'}: {asSentence(m)}
            </p>
          ))}
          <div className="field">
            <label htmlFor={ids.subject}>Subject</label>
            <input id={ids.subject} value={form.subject} onChange={set('subject')} maxLength={LIMITS.subject} {...described('subject')} />
            {error('subject')}
          </div>
          <div className="field">
            <label htmlFor={ids.body}>Message</label>
            <textarea id={ids.body} rows={8} value={form.body} onChange={set('body')} maxLength={LIMITS.message} {...described('body')} />
            {error('body')}
          </div>
          <p className="muted">The case is yours; the customer's answer comes back to it.</p>
          <div className="form-actions">
            <Button onClick={() => navigate(-1)}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy}>
              Send email
            </Button>
          </div>
        </>
      )}
    </form>
  );
}
