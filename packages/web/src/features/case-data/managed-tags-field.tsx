import { useId } from 'react';
import { asSentence } from '../../components/char-count';
import { useTags } from './case-data-api';
import { TagInput } from './tag-input';

type Props = {
  /** null: free tags; a list: only these may be put on cases (the organisation's `managedTags`). */
  value: string[] | null;
  onChange: (value: string[] | null) => void;
  disabled?: boolean;
  error?: string;
};

/**
 * The organisation's tag setting: free tags, or a managed list edited here (tags already in use
 * are suggested). Tags already on cases stay there when the list changes; only adding is checked.
 */
export function ManagedTagsField({ value, onChange, disabled, error }: Props) {
  const id = useId();
  const known = useTags();
  const managed = value !== null;
  return (
    <fieldset className="field managed-tags" aria-describedby={`${id}-hint`}>
      <legend>Tags</legend>
      <p className="field-hint" id={`${id}-hint`}>
        Who may decide which tags exist. Tags already on cases stay when the list changes.
      </p>
      <label className="check">
        <input type="radio" name={`${id}-mode`} checked={!managed} disabled={disabled} onChange={() => onChange(null)} />
        Free tags: anyone who edits a case may add a new tag
      </label>
      <label className="check">
        <input
          type="radio"
          name={`${id}-mode`}
          checked={managed}
          // The list starts from the tags in use, so it waits for them.
          disabled={disabled || known.isPending}
          onChange={() => onChange(value ?? (known.data ?? []).map((tag) => tag.name))}
        />
        A managed list: only these tags can be added to cases
      </label>
      {managed ? (
        <div className="managed-tags-list">
          <TagInput
            label="Managed tags"
            showLabel
            placeholder="Add a tag to the list…"
            tags={value}
            suggestions={(known.data ?? []).map((tag) => tag.name)}
            disabled={disabled}
            onAdd={(tag) => onChange([...value, tag].sort())}
            onRemove={(tag) => onChange(value.filter((item) => item !== tag))}
          />
          {value.length === 0 ? <p className="field-hint">With an empty list no tag can be added to any case.</p> : null}
        </div>
      ) : null}
      {error ? <p className="field-error">{asSentence(error)}</p> : null}
    </fieldset>
  );
}
