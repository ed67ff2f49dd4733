import type { Case } from '../../api/types';
import { MenuButton } from '../../components/menu';
import { ACTION_LABELS, menuActions } from '../../lib/labels';
import { useCaseActions } from './case-actions-provider';

/** Whether a case may take any macro step for this user: any action but leaving it as a follower or restoring it from spam. */
export const offersMacros = (caseItem: Pick<Case, 'actions'>): boolean =>
  caseItem.actions.some((a) => a !== 'unfollow' && a !== 'not_spam');

/** The three-dot menu: exactly the actions the server lists for this case (never `message`), and Apply macro. */
export function CaseActionsMenu({ caseItem }: { caseItem: Case }) {
  const { perform, chooseMacro } = useCaseActions();
  const items: { key: string; label: string; danger: boolean; onSelect: () => void }[] = menuActions(caseItem.actions).map((action) => ({
    key: action,
    label: ACTION_LABELS[action],
    danger: action === 'cancel' || action === 'spam',
    onSelect: () => perform(caseItem, action),
  }));
  // Macros are offered where the user may act on the case at all; the chooser lists those that fit.
  if (offersMacros(caseItem)) items.push({ key: 'macro', label: 'Apply macro…', danger: false, onSelect: () => chooseMacro(caseItem) });
  return <MenuButton label={`Actions for case ${caseItem.reference}`} items={items} />;
}
