import { useId, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { LIMITS } from '@casework/domain';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { invalidateCaseViews, keys } from '../../api/queries';
import type { Case } from '../../api/types';
import { markFailureShown, useCaseChannel } from '../delivery/delivery-api';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { useToast } from '../../components/toast';
import { useMentionPicker } from '../notifications/mention-picker';
import { CannedPicker } from '../canned-replies/canned-picker';
import { renderCannedReply, type CannedReply } from '../canned-replies/canned-api';
import { MailCopies, NO_COPIES, splitAddresses } from '../mail/mail-copies';
import { ReplyFiles, useReplyFiles } from './reply-files';
import { useAgentTyping } from './chat-typing';

/** What the case page's keys ask of the box: start a reply (r) or an internal note (n). */
export type ReplyBoxHandle = { start: (kind: 'reply' | 'note') => void };

type Props = {
  handle?: Ref<ReplyBoxHandle>;
  caseItem: Case;
  changed: boolean;
  onSent: () => void;
  markOwn: (phase: 'start' | 'end') => void;
};

/** Reply to the customer or add an internal note; warns first if the case changed meanwhile. */
export function ReplyBox({ handle, caseItem, changed, onSent, markOwn }: Props) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [copies, setCopies] = useState(NO_COPIES);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [dragging, setDragging] = useState(false);
  const files = useReplyFiles();
  const fileInput = useRef<HTMLInputElement>(null);
  const ready = (body.trim() !== '' || files.ids.length > 0) && !files.uploading && !files.failed;
  const client = useQueryClient();
  const toast = useToast();
  const fieldId = useId();
  const warningId = useId();
  const channel = useCaseChannel(caseItem.id);
  const problem = channel.data && !channel.data.canDeliver ? channel.data.deliveryProblem : null;
  const warn = !internal && problem;
  const byEmail = !internal && channel.data?.channel?.type === 'email';
  const textarea = useRef<HTMLTextAreaElement>(null);
  const typing = useAgentTyping(caseItem, internal);
  const mentions = useMentionPicker({ caseId: caseItem.id, enabled: internal, value: body, setValue: setBody, textarea });
  useImperativeHandle(handle, () => ({
    start(kind) {
      setInternal(kind === 'note');
      textarea.current?.focus();
      textarea.current?.scrollIntoView({ block: 'nearest' });
    },
  }));
  /** The open canned-reply picker: where its text goes, and whether a typed "/" opened it. */
  const [picker, setPickerState] = useState<{ at: number; slash: boolean } | null>(null);
  // The picker as of now: its input's blur when it is removed after a pick must not read a stale one.
  const pickerNow = useRef(picker);
  const setPicker = (next: typeof picker) => {
    pickerNow.current = next;
    setPickerState(next);
  };
  const [inserting, setInserting] = useState(false);

  /** Puts text at a position of the box and the caret after it. */
  function insertAt(at: number, text: string) {
    setBody((current) => current.slice(0, at) + text + current.slice(at));
    requestAnimationFrame(() => {
      const box = textarea.current;
      if (!box) return;
      box.focus();
      box.setSelectionRange(at + text.length, at + text.length);
    });
  }

  function openPicker(slash: boolean) {
    const box = textarea.current;
    setPicker({ at: box ? box.selectionStart : body.length, slash });
  }

  async function pick(reply: CannedReply) {
    const open = pickerNow.current;
    if (!open) return;
    setInserting(true);
    try {
      const text = await renderCannedReply(reply.id, caseItem.id);
      setPicker(null);
      insertAt(open.at, text);
    } catch (error) {
      toast.error(error);
    } finally {
      setInserting(false);
    }
  }

  function closePicker(how: 'escape' | 'blur') {
    const open = pickerNow.current;
    if (!open) return;
    setPicker(null);
    // The "/" that opened the picker was not typed into the box: give it back.
    if (open.slash) insertAt(open.at, '/');
    else if (how === 'escape') textarea.current?.focus();
  }

  async function send() {
    setConfirming(false);
    setBusy(true);
    markOwn('start');
    try {
      const [cc, bcc] = byEmail ? [splitAddresses(copies.cc), splitAddresses(copies.bcc)] : [[], []];
      const message = await api.post<'/cases/{id}/messages'>(`/cases/${caseItem.id}/messages`, {
        body: body.trim(),
        internal,
        ...(cc.length ? { cc } : {}),
        ...(bcc.length ? { bcc } : {}),
        ...(files.ids.length ? { attachmentIds: files.ids } : {}),
      });
      setBody('');
      setCopies(NO_COPIES);
      files.clear();
      onSent();
      const delivery = message.delivery;
      if (internal) toast.success('Internal note added');
      else if (delivery?.state === 'failed') {
        markFailureShown(message.id);
        toast.show('error', 'Reply not delivered', delivery.lastError ?? 'It is kept on the case.');
      } else if (delivery?.state === 'queued') toast.success('Reply queued', 'It goes out in a moment; its status shows beside it.');
      else toast.success('Reply sent');
    } catch (error) {
      toast.error(error);
    } finally {
      markOwn('end');
      setBusy(false);
      await client.invalidateQueries({ queryKey: keys.caseMessages(caseItem.id) });
      await invalidateCaseViews(client, caseItem.id);
    }
  }

  function submit() {
    if (!ready || busy) return;
    if (changed) setConfirming(true);
    else void send();
  }

  return (
    <form
      id="reply"
      className={`reply-box${internal ? ' is-note' : ''}${dragging ? ' is-dragging' : ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (!event.dataTransfer.files.length) return;
        event.preventDefault();
        setDragging(false);
        files.add(event.dataTransfer.files);
      }}
    >
      <div className="reply-toolbar">
        <fieldset className="segmented" aria-label="Message kind">
          <label>
            <input type="radio" name={`${fieldId}-kind`} checked={!internal} onChange={() => setInternal(false)} />
            Reply
          </label>
          <label>
            <input type="radio" name={`${fieldId}-kind`} checked={internal} onChange={() => setInternal(true)} />
            Internal note
          </label>
        </fieldset>
        <Button
          size="sm"
          variant="ghost"
          className="canned-button"
          aria-expanded={picker !== null}
          aria-keyshortcuts="/"
          onClick={() => (picker ? setPicker(null) : openPicker(false))}
        >
          <svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true">
            <path d="M4 4h12v9H8l-4 3z" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinejoin="round" />
            <path d="M7 8h6M7 10.5h4" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
          Canned reply
        </Button>
        <Button size="sm" variant="ghost" className="attach-button" onClick={() => fileInput.current?.click()}>
          <svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true">
            <path
              d="M13.5 6.5l-6 6a1.8 1.8 0 002.5 2.5l6.5-6.5a3.2 3.2 0 00-4.5-4.5L5.5 10.5a4.6 4.6 0 006.5 6.5l5-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
            />
          </svg>
          Attach files
        </Button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Attach files"
          onChange={(event) => {
            if (event.target.files) files.add(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {warn ? (
        <div className="reply-warning" id={warningId} role="note">
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
            <path d="M10 2.5l8 14H2z" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinejoin="round" />
            <path d="M10 8v4M10 14.4v.3" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
          <span>
            <strong>Replies on this case cannot reach the customer.</strong> {problem} A reply is kept on the case and marked not delivered.
          </span>
        </div>
      ) : null}
      <label htmlFor={fieldId} className="visually-hidden">
        {internal ? 'Internal note (only agents see it)' : 'Reply to the customer'}
      </label>
      {byEmail ? <MailCopies copies={copies} onChange={setCopies} /> : null}
      {picker ? <CannedPicker onPick={(reply) => void pick(reply)} onClose={closePicker} busy={inserting} /> : null}
      <textarea
        ref={textarea}
        {...mentions.inputProps}
        onSelect={mentions.track}
        onClick={mentions.track}
        id={fieldId}
        rows={4}
        maxLength={LIMITS.message}
        value={body}
        aria-describedby={warn ? warningId : undefined}
        placeholder={internal ? 'Write an internal note — only agents see it; @ mentions a colleague' : 'Write a reply to the customer'}
        onChange={(event) => {
          setBody(event.target.value);
          mentions.track();
          if (event.target.value.trim()) typing();
        }}
        onPaste={(event) => {
          if (!event.clipboardData.files.length) return;
          event.preventDefault();
          files.add(event.clipboardData.files);
        }}
        onKeyDown={(event) => {
          if (mentions.onKeyDown(event)) return;
          const box = event.currentTarget;
          const atLineStart =
            box.selectionStart === box.selectionEnd && (box.selectionStart === 0 || body[box.selectionStart - 1] === '\n');
          if (event.key === '/' && atLineStart && !event.ctrlKey && !event.metaKey && !event.altKey) {
            event.preventDefault();
            openPicker(true);
          } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          }
        }}
      />
      {mentions.popup}
      <ReplyFiles files={files.files} onRemove={files.remove} />
      <div className="reply-actions">
        <span className="muted">
          {internal
            ? 'Visible to agents only.'
            : warn
              ? 'Not sent to the customer.'
              : channel.data?.canDeliver
                ? 'The customer will receive this.'
                : ''}{' '}
          {!internal && caseItem.type === 'email' ? 'Markdown (**bold**, _italic_, lists, links) is sent as HTML. ' : ''}
          Ctrl+Enter sends; / at the start of a line picks a canned reply; drop or paste files to attach them.
        </span>
        <Button type="submit" variant={internal ? 'secondary' : 'primary'} busy={busy} disabled={!ready}>
          {internal ? 'Add note' : 'Send reply'}
        </Button>
      </div>
      {confirming ? (
        <Dialog
          title="This case changed since you opened it"
          size="sm"
          onClose={() => setConfirming(false)}
          description={
            <p>
              Someone else updated the case (a message, a claim or a status change). Review it so you don't answer twice or over a
              colleague.
            </p>
          }
          footer={
            <>
              <Button onClick={() => setConfirming(false)} data-autofocus>
                Review first
              </Button>
              <Button variant="primary" onClick={() => void send()}>
                Send anyway
              </Button>
            </>
          }
        >
          <p className="muted">The conversation on the page already shows the latest messages.</p>
        </Dialog>
      ) : null}
    </form>
  );
}
