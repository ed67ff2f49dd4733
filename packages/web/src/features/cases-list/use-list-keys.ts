import type { Shortcut } from '../../components/shortcuts-dialog';
import { usePageKeys } from '../../lib/page-keys';

/** The Cases list keys for the `?` overlay. */
export const LIST_SHORTCUTS: Shortcut[] = [
  ['j', 'Focus the next case'],
  ['k', 'Focus the previous case'],
  ['Enter', 'Open the focused case'],
  ['x', 'Select or unselect the focused case'],
  ['/', 'Search the cases'],
  ['?', 'Show this help'],
];

/** Puts the focus in the list's search field. */
function focusSearch() {
  const field = document.querySelector<HTMLInputElement>('main .filter-search input');
  field?.focus();
  field?.select();
}

/** The list's case links (table rows or cards), in order, that are shown. */
const links = () => Array.from(document.querySelectorAll<HTMLElement>('main [data-case-card]')).filter((el) => el.offsetParent !== null);
const itemOf = (el: Element | null) => el?.closest('[data-case-row], .case-card') ?? null;

function move(step: 1 | -1) {
  const all = links();
  if (all.length === 0) return;
  const current = all.findIndex((link) => itemOf(link)?.contains(document.activeElement));
  const next = current === -1 ? (step === 1 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
  all[next]?.focus();
  itemOf(all[next] ?? null)?.scrollIntoView({ block: 'nearest' });
}

/** Toggles the selection checkbox of the row or card that holds the focus. */
function toggleFocused() {
  const item = itemOf(document.activeElement);
  const box = item?.querySelector<HTMLInputElement>('.select-case input');
  if (box && !box.disabled) box.click();
}

/**
 * Cases list keys: j/k move between cases (rows or cards), x selects the focused one, / searches,
 * ? shows them; Enter opens the focused case natively (a link).
 */
export function useListKeys(onHelp: () => void): void {
  usePageKeys({ j: () => move(1), k: () => move(-1), x: toggleFocused, '/': focusSearch, '?': onHelp });
}
