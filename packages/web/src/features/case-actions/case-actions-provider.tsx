import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { invalidateCaseViews, lookupUserName, storeCase } from '../../api/queries';
import type { Case, CaseAction } from '../../api/types';
import { useToast } from '../../components/toast';
import { ApplyMacroDialog } from '../macros/apply-macro-dialog';
import { AssignDialog } from './assign-dialog';
import { CancelDialog, ResolveDialog, WaitDialog } from './status-dialogs';
import { SpamDialog } from './spam-dialog';
import { ACTION_DONE, runCaseAction, type ActionInput } from './run-action';

type Pending = { caseItem: Case; action: CaseAction };
type Listener = (caseId: string, phase: 'start' | 'end') => void;

type CaseActionsApi = {
  /** Runs an action now, or opens its dialog when it needs input. */
  perform: (caseItem: Case, action: CaseAction) => void;
  /** Runs an action with input (no dialog); resolves to the updated case. */
  execute: (caseItem: Case, action: CaseAction, input?: ActionInput) => Promise<Case | undefined>;
  /** Opens the macro chooser for a case (macros whose every step the user may take on it). */
  chooseMacro: (caseItem: Case) => void;
  /** Observes own actions (the case page uses it to tell own changes from others'). */
  subscribe: (listener: Listener) => () => void;
};

const DIALOG_ACTIONS: CaseAction[] = ['assign', 'set_waiting', 'resolve', 'cancel', 'spam'];
const Context = createContext<CaseActionsApi | null>(null);
const listeners = new Set<Listener>();

export function CaseActionsProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [macroCase, setMacroCase] = useState<Case | null>(null);
  const [busy, setBusy] = useState(false);
  const client = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();

  const execute = useCallback(
    async (caseItem: Case, action: CaseAction, input?: ActionInput) => {
      for (const listener of listeners) listener(caseItem.id, 'start');
      try {
        const updated = await runCaseAction(caseItem.id, action, input);
        storeCase(client, updated);
        toast.success(`Case ${caseItem.reference} ${ACTION_DONE[action] ?? 'updated'}`);
        return updated;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'already_claimed') {
          toast.show(
            'error',
            `Taken by ${await lookupUserName(client, error.ownerId)}`,
            `Case ${caseItem.reference} was claimed by someone else first.`,
          );
        } else if (error instanceof ApiError && error.code === 'capacity_reached') {
          toast.show('error', 'You have reached your open case limit', 'Solve or hand over a case before claiming another.');
        } else {
          toast.error(error);
        }
        throw error;
      } finally {
        // Refetch in the background so dialogs close as soon as the server has answered.
        void invalidateCaseViews(client, caseItem.id);
        for (const listener of listeners) listener(caseItem.id, 'end');
      }
    },
    [client, toast],
  );

  const perform = useCallback(
    (caseItem: Case, action: CaseAction) => {
      if (action === 'open_chat' || action === 'message') {
        navigate(`/cases/${caseItem.id}#reply`);
        return;
      }
      if (DIALOG_ACTIONS.includes(action)) {
        setPending({ caseItem, action });
        return;
      }
      execute(caseItem, action).catch(() => undefined);
    },
    [execute, navigate],
  );

  const confirm = useCallback(
    async (input: ActionInput) => {
      if (!pending) return;
      setBusy(true);
      try {
        await execute(pending.caseItem, pending.action, input);
        setPending(null);
      } catch {
        // The toast explains; keep the dialog open so the user can adjust and retry.
      } finally {
        setBusy(false);
      }
    },
    [execute, pending],
  );

  const value = useMemo<CaseActionsApi>(
    () => ({
      perform,
      execute,
      chooseMacro: setMacroCase,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    }),
    [perform, execute],
  );

  const close = () => setPending(null);
  const dialogProps = pending ? { caseItem: pending.caseItem, busy, onCancel: close, onConfirm: confirm } : null;

  return (
    <Context.Provider value={value}>
      {children}
      {dialogProps && pending?.action === 'assign' ? <AssignDialog {...dialogProps} /> : null}
      {dialogProps && pending?.action === 'set_waiting' ? <WaitDialog {...dialogProps} /> : null}
      {dialogProps && pending?.action === 'resolve' ? <ResolveDialog {...dialogProps} /> : null}
      {dialogProps && pending?.action === 'cancel' ? <CancelDialog {...dialogProps} /> : null}
      {dialogProps && pending?.action === 'spam' ? <SpamDialog {...dialogProps} /> : null}
      {macroCase ? (
        <ApplyMacroDialog
          caseItem={macroCase}
          onClose={() => setMacroCase(null)}
          notify={(phase) => {
            for (const listener of listeners) listener(macroCase.id, phase);
          }}
        />
      ) : null}
    </Context.Provider>
  );
}

export function useCaseActions(): CaseActionsApi {
  const value = useContext(Context);
  if (!value) throw new Error('useCaseActions outside CaseActionsProvider');
  return value;
}
