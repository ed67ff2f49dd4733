/**
 * How much of a field's limit is used, shown once the text nears it (the input's own maxLength
 * stops it there). The limits come from `@casework/domain`'s LIMITS, the same ones the API checks.
 */
export function CharCount({ id, value, max }: { id: string; value: string; max: number }) {
  const near = value.length >= max * 0.8;
  return (
    <span id={id} className={`char-count${value.length >= max ? ' is-full' : ''}`} aria-live="polite">
      {near ? `${value.length.toLocaleString('en')} / ${max.toLocaleString('en')} characters` : ''}
    </span>
  );
}

/** A field message from the API or the form, as a sentence ("must not be empty" → "Must not be empty."). */
export function asSentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}
