import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { invalidateCaseViews, storeCase, useTeams } from '../../api/queries';
import type { Case } from '../../api/types';
import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';
import { EmptyState, ErrorState } from '../../components/empty-state';
import { LoadingState } from '../../components/spinner';
import { useToast } from '../../components/toast';
import { applyMacro, describeStep, useMacros, type Macro } from './macros-api';

/**
 * Apply a macro to a case: the macros whose every step the user may take on it now (the server
 * decides), each with its steps in words; choosing one applies all its steps at once.
 */
export function ApplyMacroDialog({
  caseItem,
  onClose,
  notify,
}: {
  caseItem: Case;
  onClose: () => void;
  /** Told when the change starts and ends (the case page tells its own changes from others'). */
  notify?: (phase: 'start' | 'end') => void;
}) {
  const macros = useMacros(caseItem.id);
  const teams = useTeams().data ?? [];
  const teamName = (id: string) => teams.find((t) => t.id === id)?.name ?? 'another team';
  const client = useQueryClient();
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const loaded = macros.data !== undefined;
  // The choices arrive after the dialog opened: the first one takes the focus then (Enter applies it).
  useEffect(() => {
    if (loaded) list.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [loaded]);

  async function apply(macro: Macro) {
    setBusy(macro.id);
    notify?.('start');
    try {
      storeCase(client, await applyMacro(caseItem.id, macro.id));
      toast.success(
        `${macro.title} applied`,
        `Case ${caseItem.reference}: ${macro.steps.length} step${macro.steps.length > 1 ? 's' : ''} done.`,
      );
      onClose();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(null);
      void invalidateCaseViews(client, caseItem.id);
      notify?.('end');
    }
  }

  return (
    <Dialog
      title="Apply a macro"
      description={`To case ${caseItem.reference}. Every step is done at once, or none is.`}
      onClose={onClose}
      footer={
        <Button onClick={onClose} disabled={busy !== null}>
          Close
        </Button>
      }
    >
      {macros.isPending ? <LoadingState label="Loading macros…" /> : null}
      {macros.isError ? <ErrorState error={macros.error} onRetry={() => void macros.refetch()} /> : null}
      {macros.data?.length === 0 ? (
        <EmptyState title="No macro fits this case">
          <p>None of your macros has only steps you may take on this case now.</p>
          <Link to="/macros" className="btn btn-secondary btn-sm">
            Manage macros
          </Link>
        </EmptyState>
      ) : null}
      {macros.data?.length ? (
        <ul className="macro-choices" aria-label="Macros" ref={list}>
          {macros.data.map((macro) => (
            <li key={macro.id}>
              <button
                type="button"
                className="macro-choice"
                disabled={busy !== null}
                aria-busy={busy === macro.id || undefined}
                onClick={() => void apply(macro)}
              >
                <span className="macro-choice-title">{macro.title}</span>
                <span className="macro-choice-steps">{macro.steps.map((s) => describeStep(s, teamName)).join(' · ')}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </Dialog>
  );
}
