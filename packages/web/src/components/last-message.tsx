import type { Case } from '../api/types';

type LastMessage = NonNullable<Case['lastMessage']>;

/** Who wrote the last message, as the card names them. */
const authorOf = (m: LastMessage) => m.authorName || (m.fromCustomer ? 'Customer' : 'Agent');

/** The "Customer replied" mark: the customer wrote last, so the case waits for an answer. */
export function CustomerRepliedMark() {
  return (
    <span className="chip chip-replied">
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <path d="M6 4L2.5 7.5 6 11M3 7.5h6.5a4 4 0 014 4V12" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
      </svg>
      Customer replied
    </span>
  );
}

/** A card's line about the conversation: the last public message's first line and who wrote it. */
export function LastMessageLine({ message, compact = false }: { message: LastMessage; compact?: boolean }) {
  return (
    <p className={`last-message${message.fromCustomer ? ' from-customer' : ''}${compact ? ' is-compact' : ''}`}>
      <span className="last-message-author">{authorOf(message)}:</span> <span className="last-message-text">{message.preview}</span>
    </p>
  );
}
