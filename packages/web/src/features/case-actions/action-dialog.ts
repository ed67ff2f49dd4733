import type { Case } from '../../api/types';
import type { ActionInput } from './run-action';

/** What the provider hands each action's dialog. */
export type ActionDialogProps = {
  caseItem: Case;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (input: ActionInput) => void;
};
