import { useId, useState } from 'react';
import { LIMITS } from '@casework/domain';

type Resolution = 'completed' | 'unresolved';

/** Resolution and note of a resolve dialog; `input` sends the note trimmed, or none when blank. */
export function useResolveForm() {
  const [resolution, setResolution] = useState<Resolution>('completed');
  const [note, setNote] = useState('');
  return { resolution, setResolution, note, setNote, input: { resolution, note: note.trim() || undefined } };
}

/** The fields of the single and the bulk resolve dialogs: how it ended, and an optional internal note. */
export function ResolveFields({ form, noteLabel }: { form: ReturnType<typeof useResolveForm>; noteLabel: string }) {
  const resolutionId = useId();
  const noteId = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={resolutionId}>Resolution</label>
        <select id={resolutionId} value={form.resolution} onChange={(event) => form.setResolution(event.target.value as Resolution)}>
          <option value="completed">Completed</option>
          <option value="unresolved">Unresolved</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={noteId}>{noteLabel}</label>
        <textarea
          id={noteId}
          rows={3}
          maxLength={LIMITS.actionNote}
          value={form.note}
          onChange={(event) => form.setNote(event.target.value)}
        />
      </div>
    </>
  );
}
