import { mayReply } from '@casework/domain';
import { useMe } from '../api/queries';
import { Button } from '../components/button';
import { ConfirmDialog } from '../components/confirm-dialog';
import { DataTable } from '../components/data-table';
import { EmptyState } from '../components/empty-state';
import { QueryStates } from '../components/query-states';
import { useEditAndRemove } from '../features/admin/use-edit-and-remove';
import { CannedDialog } from '../features/canned-replies/canned-dialog';
import { cannedKeys, cannedUser, firstLine, scopeText, useCannedReplies, type CannedReply } from '../features/canned-replies/canned-api';
import { usePageTitle } from '../lib/use-page-title';

/** Canned replies: the ones this user may use, with their scope; write, change and remove those they may keep. */
export function CannedRepliesPage() {
  usePageTitle('Canned replies');
  const me = useMe().data;
  const allowed = me ? mayReply(cannedUser(me)) : false;
  const replies = useCannedReplies(allowed);
  const list = useEditAndRemove<CannedReply>(
    cannedKeys.list,
    (reply) => `/canned-replies/${reply.id}`,
    (reply) => `${reply.title} deleted`,
  );
  const { editing, removing } = list;
  if (me && !allowed)
    return (
      <div className="page">
        <EmptyState title="Canned replies are for people who reply">Your role does not include replying to customers.</EmptyState>
      </div>
    );

  return (
    <div className="page page-canned">
      <div className="page-header">
        <div>
          <h1>Canned replies</h1>
          <p className="muted section-lead">
            Saved answers with placeholders, filled in for the case. In a reply box, type <kbd>/</kbd> at the start of a line or press{' '}
            <strong>Canned reply</strong> to insert one.
          </p>
        </div>
        <Button variant="primary" onClick={() => list.setEditing('new')}>
          New canned reply
        </Button>
      </div>
      <QueryStates
        query={replies}
        loadingLabel="Loading canned replies…"
        empty={
          <EmptyState title="No canned replies yet">
            Save the answers you give most often, with the customer's name filled in for you.
          </EmptyState>
        }
      />
      {replies.data?.length ? (
        <DataTable columns={['Reply', 'Who can use it', 'Updated']} stacked>
          {replies.data.map((reply) => (
            <tr key={reply.id}>
              <td data-label="Reply">
                <div className="canned-cell">
                  <div className="cell-title">{reply.title}</div>
                  <div className="muted canned-line">{firstLine(reply.body)}</div>
                </div>
              </td>
              <td data-label="Who can use it">
                <span className={`chip chip-scope chip-scope-${reply.scope}`}>{scopeText(reply)}</span>
              </td>
              <td data-label="Updated" className="muted">
                {new Date(reply.updatedAt).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}
              </td>
              <td className="cell-actions">
                {reply.editable ? (
                  <>
                    <Button size="sm" onClick={() => list.setEditing(reply)} aria-label={`Edit canned reply ${reply.title}`}>
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => list.setRemoving(reply)}
                      aria-label={`Delete canned reply ${reply.title}`}
                    >
                      Delete
                    </Button>
                  </>
                ) : (
                  <span className="muted">Read only</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {editing ? <CannedDialog reply={editing === 'new' ? null : editing} onClose={() => list.setEditing(null)} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Delete ${removing.title}?`}
          confirmLabel="Delete reply"
          cancelLabel="Keep"
          danger
          busy={list.busy}
          onClose={() => list.setRemoving(null)}
          onConfirm={() => void list.remove(removing)}
        >
          <p>
            {removing.scope === 'personal' ? 'It' : `Everyone who uses it (${scopeText(removing)})`} can no longer insert it. This cannot be
            undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
