import { useInfiniteQuery } from '@tanstack/react-query';
import { MentionText } from '../notifications/mention-text';
import { api, toQuery } from '../../api/client';
import { keys, useUserNames } from '../../api/queries';
import type { Case, Message } from '../../api/types';
import { Button } from '../../components/button';
import { EmptyState, ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { formatDateTime } from '../../lib/time';
import { MessageAttachments } from './message-attachments';
import { MailHtml } from './mail-html';
import { DeliveryStatus } from '../delivery/delivery-status';
import { channelLabel } from '../../lib/labels';
import { MailMeta } from '../mail/mail-meta';
import { formatPhone } from '../../lib/phone';

/** Public messages (inbound/outbound) and internal notes, oldest first, visibly different. */
export function Conversation({ caseItem, timeZone }: { caseItem: Case; timeZone: string }) {
  const userName = useUserNames();
  const messages = useInfiniteQuery({
    queryKey: keys.caseMessages(caseItem.id),
    queryFn: ({ pageParam, signal }) =>
      api.get<'/cases/{id}/messages'>(`/cases/${caseItem.id}/messages${toQuery({ cursor: pageParam })}`, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  if (messages.isPending) return <LoadingState label="Loading conversation…" />;
  if (messages.isError) return <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />;
  const all = dedupe(messages.data.pages.flatMap((page) => page.messages)).sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const customer =
    caseItem.customer?.name ||
    caseItem.customer?.email ||
    (caseItem.customer?.phone ? formatPhone(caseItem.customer.phone) : null) ||
    'Customer';

  return (
    <div className="conversation">
      {messages.hasNextPage ? (
        <div className="load-more">
          <Button size="sm" busy={messages.isFetchingNextPage} onClick={() => void messages.fetchNextPage()}>
            Load more messages
          </Button>
        </div>
      ) : null}
      {all.length === 0 ? <EmptyState title="No messages yet">Replies and internal notes will appear here.</EmptyState> : null}
      <ol className="messages">
        {all.map((message) => {
          const kind = message.internal || message.direction === 'note' ? 'note' : message.direction;
          // Someone the customer copied in answers under their own address.
          const author = kind === 'inbound' ? (message.from ?? customer) : userName(message.authorId);
          return (
            <li key={message.id} className={`message message-${kind}`}>
              <div className="message-meta">
                <span className="message-author">{author}</span>
                {kind === 'note' ? <span className="chip chip-note">Internal note</span> : null}
                {kind === 'outbound' ? (
                  <span className="chip chip-outbound">Reply{message.channel ? ` · ${channelLabel(message.channel)}` : ''}</span>
                ) : null}
                {kind === 'inbound' && message.channel ? <span className="chip">{channelLabel(message.channel)}</span> : null}
                <time dateTime={message.createdAt}>{formatDateTime(message.createdAt, timeZone)}</time>
              </div>
              {kind === 'note' ? null : <MailMeta message={message} />}
              {message.html ? (
                <MailHtml messageId={message.id} html={message.html} label={`${kind === 'inbound' ? 'Mail from' : 'Reply by'} ${author}`} />
              ) : message.body ? (
                <div className="message-body">{kind === 'note' ? <MentionText body={message.body} /> : message.body}</div>
              ) : null}
              <MessageAttachments
                attachments={message.attachments.filter((file) => !(file.contentId && message.html?.includes(`/attachments/${file.id}`)))}
              />
              {kind === 'outbound' && message.delivery ? (
                <DeliveryStatus
                  caseId={caseItem.id}
                  messageId={message.id}
                  channel={message.channel}
                  delivery={message.delivery}
                  canRetry={caseItem.actions.includes('message')}
                  timeZone={timeZone}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function dedupe(messages: Message[]): Message[] {
  const seen = new Set<string>();
  return messages.filter((message) => {
    if (seen.has(message.id)) return false;
    seen.add(message.id);
    return true;
  });
}
