import { useEffect, useRef, useState } from 'react';
import { isChatType } from '@casework/domain';
import { api } from '../../api/client';
import type { Case } from '../../api/types';
import { CUSTOMER_TYPING, subscribeLive } from '../../live/live-events';

/** The customer's typing is shown this long after their last signal (they send one every few seconds while typing). */
const TYPING_SHOWN_MS = 6000;
/** The agent's typing is sent at most this often. */
const TYPING_EVERY_MS = 3000;

/**
 * "Carla is typing…" under a chat's conversation while the customer types: live events
 * (`chat.customer_typing`) show it, their next message or a few quiet seconds hide it.
 */
export function CustomerTyping({ caseItem }: { caseItem: Case }) {
  const [typing, setTyping] = useState(false);
  useEffect(() => {
    let timer: number | undefined;
    const stop = () => {
      window.clearTimeout(timer);
      setTyping(false);
    };
    const off = subscribeLive((event) => {
      if (event.caseId !== caseItem.id) return;
      if (event.type === CUSTOMER_TYPING) {
        window.clearTimeout(timer);
        setTyping(true);
        timer = window.setTimeout(stop, TYPING_SHOWN_MS);
      } else if (event.type === 'case.message_created') stop();
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [caseItem.id]);
  if (!isChatType(caseItem.type)) return null;
  const who = caseItem.customer?.name?.split(' ')[0] || 'The customer';
  return (
    <p className="customer-typing" role="status">
      {typing ? (
        <>
          {who} is typing
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
        </>
      ) : null}
    </p>
  );
}

/**
 * Tells a chat's customer that this agent is typing a reply: at most one signal every few seconds,
 * never for an internal note, never on other channels.
 */
export function useAgentTyping(caseItem: Case, internal: boolean): () => void {
  const last = useRef(0);
  return () => {
    if (internal || !isChatType(caseItem.type)) return;
    const now = Date.now();
    if (now - last.current < TYPING_EVERY_MS) return;
    last.current = now;
    void api.post<'/cases/{id}/typing'>(`/cases/${caseItem.id}/typing`, {}).catch(() => undefined);
  };
}
