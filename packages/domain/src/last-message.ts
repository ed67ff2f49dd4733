/** The longest preview of a message a card shows, in characters (code points). */
export const PREVIEW_MAX = 160;

/**
 * A message as a card previews it: from its first non-blank line, trimmed of spaces, tabs and
 * carriage returns, at most PREVIEW_MAX characters. Only those whitespace characters count, so
 * the SQL copy (db/sql-rules.ts `messagePreviewSql`) can say exactly the same.
 */
export function messagePreview(body: string): string {
  const line = body.replace(/^[ \t\r\n]+/, '').split('\n')[0] ?? '';
  return Array.from(line.replace(/^[ \t\r]+|[ \t\r]+$/g, ''))
    .slice(0, PREVIEW_MAX)
    .join('');
}

/** What a case's cards say of its conversation: its last public message's first line, who wrote it, when. */
export type LastMessage = { preview: string; fromCustomer: boolean; authorId: string | null; at: Date };

type MessageFacts = {
  body: string;
  internal: boolean;
  direction: 'inbound' | 'outbound' | 'note';
  authorId: string | null;
  createdAt: Date;
};

/**
 * The card's last message after this message, or null when it does not change it. Cards follow
 * the conversation with the customer: internal notes do not show (nor do they take away the
 * "customer replied" mark: a note is not an answer). `fromCustomer` is an inbound message.
 */
export function lastMessageAfter(m: MessageFacts): LastMessage | null {
  if (m.internal || m.direction === 'note') return null;
  return { preview: messagePreview(m.body), fromCustomer: m.direction === 'inbound', authorId: m.authorId, at: m.createdAt };
}

/** The card's last message of a whole conversation (an import): the latest public one, the later in the list on a tie. */
export function lastMessageOf(messages: readonly MessageFacts[]): LastMessage | null {
  let last: LastMessage | null = null;
  for (const m of messages) {
    const next = lastMessageAfter(m);
    if (next && (!last || next.at >= last.at)) last = next;
  }
  return last;
}
