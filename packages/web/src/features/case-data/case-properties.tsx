import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { useOrganisation } from '../../api/queries';
import type { Case } from '../../api/types';
import { asSentence } from '../../components/char-count';
import { useToast } from '../../components/toast';
import { afterCaseEdit, canEditCase, changeTags, isPriority, PRIORITIES, PRIORITY_LABELS, updateCase, useTags } from './case-data-api';
import { PriorityBadge } from './priority-badge';
import { SlaTargets } from '../sla/sla-badge';
import { TagInput } from './tag-input';
import { TagList } from './tag-list';

type MarkOwn = (phase: 'start' | 'end') => void;

/**
 * Priority and tags at the top of the case's details (SPEC §10): a select and a tag box for
 * those who may edit the case, a badge and chips for everyone else. Each change is saved at
 * once and lands in the history.
 */
export function CaseProperties({ caseItem, markOwn }: { caseItem: Case; markOwn: MarkOwn }) {
  const editable = canEditCase(caseItem);
  const priorityId = useId();
  return (
    <dl className="case-properties">
      <div className="details-row">
        <dt>{editable ? <label htmlFor={priorityId}>Priority</label> : 'Priority'}</dt>
        <dd>
          {editable ? (
            <PrioritySelect id={priorityId} caseItem={caseItem} markOwn={markOwn} />
          ) : (
            <PriorityBadge priority={caseItem.priority} showNormal />
          )}
        </dd>
      </div>
      <div className="details-row details-row-top">
        <dt>Tags</dt>
        <dd>
          {editable ? (
            <CaseTags caseItem={caseItem} markOwn={markOwn} />
          ) : caseItem.tags.length ? (
            <TagList tags={caseItem.tags} />
          ) : (
            <span className="muted">No tags</span>
          )}
        </dd>
      </div>
      {caseItem.sla !== undefined ? (
        <div className="details-row details-row-top">
          <dt>SLA</dt>
          <dd>
            <SlaTargets caseItem={caseItem} />
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

/** Runs one edit of the case as the user's own change (no collision warning), then refreshes what shows it. */
function useCaseEdit(markOwn: MarkOwn) {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  async function run(change: () => Promise<Case>): Promise<unknown> {
    setBusy(true);
    markOwn('start');
    try {
      afterCaseEdit(client, await change());
      return null;
    } catch (error) {
      return error;
    } finally {
      markOwn('end');
      setBusy(false);
    }
  }
  return { busy, run };
}

function PrioritySelect({ id, caseItem, markOwn }: { id: string; caseItem: Case; markOwn: MarkOwn }) {
  const toast = useToast();
  const { busy, run } = useCaseEdit(markOwn);
  return (
    <div className="priority-select">
      <select
        id={id}
        className={`priority-input priority-input-${caseItem.priority}`}
        value={caseItem.priority}
        disabled={busy}
        onChange={async (event) => {
          const priority = event.target.value;
          if (!isPriority(priority)) return;
          const error = await run(() => updateCase(caseItem.id, { priority }));
          if (error) toast.error(error);
        }}
      >
        {PRIORITIES.map((priority) => (
          <option key={priority} value={priority}>
            {PRIORITY_LABELS[priority]}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The tag box: suggestions from GET /tags (or the managed list), each add or remove saved at once. */
function CaseTags({ caseItem, markOwn }: { caseItem: Case; markOwn: MarkOwn }) {
  const toast = useToast();
  const tags = useTags();
  const managed = useOrganisation().data?.managedTags ?? null;
  // The box stays usable while a change is saved (focus stays in it for the next tag).
  const { run } = useCaseEdit(markOwn);
  const [error, setError] = useState<string | null>(null);

  async function change(body: { add?: string[]; remove?: string[] }) {
    setError(null);
    const failure = await run(() => changeTags(caseItem.id, body));
    if (!failure) return;
    // A refused tag (too long, not on the managed list, one too many) is named by the server's field message.
    const message = failure instanceof ApiError ? Object.values(failure.fields ?? {})[0] : undefined;
    if (message) setError(asSentence(message));
    else toast.error(failure);
  }

  return (
    <TagInput
      label="Tags"
      tags={caseItem.tags}
      suggestions={(tags.data ?? []).map((tag) => tag.name)}
      allowed={managed}
      error={error}
      onAdd={(tag) => void change({ add: [tag] })}
      onRemove={(tag) => void change({ remove: [tag] })}
    />
  );
}
