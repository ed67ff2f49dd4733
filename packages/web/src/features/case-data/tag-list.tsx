type Props = {
  tags: readonly string[];
  /** Show at most this many; the rest become "+N" (their names in its title and for screen readers). */
  max?: number;
};

/** A case's tags as quiet chips, read as a list named "Tags". */
export function TagList({ tags, max = tags.length }: Props) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, max);
  const rest = tags.slice(max);
  return (
    <ul className="tag-list" aria-label="Tags">
      {shown.map((tag) => (
        <li key={tag} className="tag" title={tag}>
          {tag}
        </li>
      ))}
      {rest.length ? (
        <li className="tag tag-more" title={rest.join(', ')}>
          <span aria-hidden="true">+{rest.length}</span>
          <span className="visually-hidden">and {rest.join(', ')}</span>
        </li>
      ) : null}
    </ul>
  );
}
