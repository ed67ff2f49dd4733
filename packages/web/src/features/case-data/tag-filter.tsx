import { TagInput } from './tag-input';
import { useTags } from './case-data-api';

/** The Cases list's tag filter (`tag`, repeatable: a case must carry every chosen tag). */
export function TagFilter({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const known = useTags();
  return (
    <div className="filter-field tag-filter">
      <TagInput
        label="Tags"
        showLabel
        placeholder="Any tag"
        tags={tags}
        suggestions={(known.data ?? []).map((tag) => tag.name)}
        onAdd={(tag) => onChange([...tags, tag])}
        onRemove={(tag) => onChange(tags.filter((item) => item !== tag))}
      />
    </div>
  );
}
