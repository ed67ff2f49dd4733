import { useEffect, useRef } from 'react';
import type { Case } from '../../api/types';
import { Button } from '../../components/button';
import { BULK_ACTIONS, BULK_WORDS, bulkNeeds, type BulkAction, type BulkProgress, type BulkResult } from './bulk-run';

/** "Select all" for the cases on screen: checked, unchecked or mixed. */
export function SelectAll({
  cases,
  selected,
  onChange,
  disabled,
}: {
  cases: Case[];
  selected: Set<string>;
  onChange: (ids: string[]) => void;
  disabled?: boolean;
}) {
  const box = useRef<HTMLInputElement>(null);
  const count = cases.filter((item) => selected.has(item.id)).length;
  const all = cases.length > 0 && count === cases.length;
  useEffect(() => {
    if (box.current) box.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <label className="check select-all">
      <input
        ref={box}
        type="checkbox"
        checked={all}
        disabled={disabled || cases.length === 0}
        onChange={() => onChange(all ? [] : cases.map((item) => item.id))}
      />
      Select all {cases.length} shown
    </label>
  );
}

type BulkBarProps = {
  selected: Case[];
  progress: BulkProgress | null;
  onAction: (action: BulkAction) => void;
  onClear: () => void;
  onStop: () => void;
};

/** The toolbar for the selected cases: one button per bulk action with how many cases allow it, then progress. */
export function BulkBar({ selected, progress, onAction, onClear, onStop }: BulkBarProps) {
  if (selected.length === 0 && !progress) return null;
  const available = BULK_ACTIONS.map((action) => ({
    action,
    count: selected.filter((item) => item.actions.includes(bulkNeeds(action))).length,
  })).filter((item) => item.count > 0);
  return (
    <section className="bulk-bar" aria-label="Bulk actions">
      {progress ? (
        <>
          <div className="bulk-progress" role="status" aria-live="polite">
            {BULK_WORDS[progress.action].running} {progress.total} {progress.total === 1 ? 'case' : 'cases'}…
            {progress.finished > 0 ? ` ${progress.finished} done.` : ''}
          </div>
          <progress
            className="bulk-meter"
            max={Math.max(progress.total, 1)}
            value={progress.finished}
            aria-label={`${BULK_WORDS[progress.action].running} cases`}
          />
          <Button size="sm" onClick={onStop}>
            Stop
          </Button>
        </>
      ) : (
        <>
          <span className="bulk-count">
            <strong>{selected.length}</strong> selected
          </span>
          <div className="bulk-actions">
            {available.map(({ action, count }) => (
              <Button
                key={action}
                size="sm"
                variant={action === 'claim' ? 'primary' : 'secondary'}
                onClick={() => onAction(action)}
                aria-label={`${BULK_WORDS[action].button} ${count} of ${selected.length} selected`}
                title={count < selected.length ? `${count} of the ${selected.length} selected cases allow this` : undefined}
              >
                {BULK_WORDS[action].button}
                {/* The visible words start the accessible name (WCAG 2.5.3): "Claim 4" → "Claim 4 of 5 selected". */}
                {count < selected.length ? (
                  <>
                    {' '}
                    <span className="bulk-eligible">{count}</span>
                  </>
                ) : null}
              </Button>
            ))}
            {available.length === 0 ? <span className="muted">None of the selected cases allows a bulk action.</span> : null}
          </div>
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear selection
          </Button>
        </>
      )}
    </section>
  );
}

/** What a bulk run did: successes, failures with reasons, and what was skipped. */
export function BulkSummary({ result, onDismiss }: { result: BulkResult; onDismiss: () => void }) {
  const attempted = result.succeeded.length + result.failed.length;
  const words = BULK_WORDS[result.action];
  const bad = result.failed.length > 0;
  return (
    <div className={`bulk-summary ${bad ? 'bulk-summary-bad' : 'bulk-summary-ok'}`} role="status">
      <div className="bulk-summary-head">
        <p>
          <strong>
            {words.done} {result.succeeded.length} of {attempted} {attempted === 1 ? 'case' : 'cases'}.
          </strong>
          {bad ? ` ${result.failed.length} failed.` : ''}
          {result.stopNote ? ` ${result.stopNote}` : ''}
        </p>
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
      {bad ? (
        <ul className="bulk-failures">
          {result.failed.map(({ caseItem, reason }) => (
            <li key={caseItem.id}>
              <span className="case-ref">{caseItem.reference}</span> {reason}
            </li>
          ))}
        </ul>
      ) : null}
      {result.skipped.length ? (
        <p className="muted">
          Skipped {result.skipped.length} where this is not allowed: {refs(result.skipped)}
        </p>
      ) : null}
      {result.notAttempted.length ? <p className="muted">Not tried: {refs(result.notAttempted)}</p> : null}
    </div>
  );
}

function refs(cases: Case[]): string {
  const shown = cases.slice(0, 8).map((item) => item.reference);
  return cases.length > 8 ? `${shown.join(', ')} and ${cases.length - 8} more` : shown.join(', ');
}
