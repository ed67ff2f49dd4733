import type { Case } from '../../api/types';
import { MenuButton } from '../../components/menu';
import { ACTION_LABELS, menuActions } from '../../lib/labels';
import { useCaseActions } from './case-actions-provider';

/** The three-dot menu: exactly the actions the server lists for this case (never `message`). */
export function CaseActionsMenu({ caseItem }: { caseItem: Case }) {
  const { perform } = useCaseActions();
  const items = menuActions(caseItem.actions).map((action) => ({
    key: action,
    label: ACTION_LABELS[action],
    danger: action === 'cancel',
    onSelect: () => perform(caseItem, action),
  }));
  return <MenuButton label={`Actions for case ${caseItem.reference}`} items={items} />;
}
