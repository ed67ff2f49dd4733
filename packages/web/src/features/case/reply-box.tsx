import { useId, useState } from "react";
import { LIMITS } from "@casework/domain";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { invalidateCaseViews, keys } from "../../api/queries";
import type { Case } from "../../api/types";
import { Button } from "../../components/button";
import { Dialog } from "../../components/dialog";
import { useToast } from "../../components/toast";

type Props = {
  caseItem: Case;
  changed: boolean;
  onSent: () => void;
  markOwn: (phase: "start" | "end") => void;
};

/** Reply to the customer or add an internal note; warns first if the case changed meanwhile. */
export function ReplyBox({ caseItem, changed, onSent, markOwn }: Props) {
  const [body, setBody] = useState("");
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  const fieldId = useId();

  async function send() {
    setConfirming(false);
    setBusy(true);
    markOwn("start");
    try {
      await api.post(`/cases/${caseItem.id}/messages`, { body: body.trim(), internal });
      setBody("");
      onSent();
      toast.success(internal ? "Internal note added" : "Reply sent");
    } catch (error) {
      toast.error(error);
    } finally {
      markOwn("end");
      setBusy(false);
      await client.invalidateQueries({ queryKey: keys.caseMessages(caseItem.id) });
      await invalidateCaseViews(client, caseItem.id);
    }
  }

  function submit() {
    if (!body.trim() || busy) return;
    if (changed) setConfirming(true);
    else void send();
  }

  return (
    <form
      id="reply"
      className={`reply-box${internal ? " is-note" : ""}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="segmented" role="radiogroup" aria-label="Message kind">
        <button type="button" role="radio" aria-checked={!internal} className={internal ? "" : "is-on"} onClick={() => setInternal(false)}>
          Reply
        </button>
        <button type="button" role="radio" aria-checked={internal} className={internal ? "is-on" : ""} onClick={() => setInternal(true)}>
          Internal note
        </button>
      </div>
      <label htmlFor={fieldId} className="visually-hidden">
        {internal ? "Internal note (only agents see it)" : "Reply to the customer"}
      </label>
      <textarea
        id={fieldId}
        rows={4}
        maxLength={LIMITS.message}
        value={body}
        placeholder={internal ? "Write an internal note — only agents see it" : "Write a reply to the customer"}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <div className="reply-actions">
        <span className="muted">{internal ? "Visible to agents only." : "The customer will receive this."} Ctrl+Enter sends.</span>
        <Button type="submit" variant={internal ? "secondary" : "primary"} busy={busy} disabled={!body.trim()}>
          {internal ? "Add note" : "Send reply"}
        </Button>
      </div>
      {confirming ? (
        <Dialog
          title="This case changed since you opened it"
          size="sm"
          onClose={() => setConfirming(false)}
          description={<p>Someone else updated the case (a message, a claim or a status change). Review it so you don't answer twice or over a colleague.</p>}
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
