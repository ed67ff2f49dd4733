import { useEffect } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || Boolean(target.closest('[role="menu"]'));
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

/** Cases list keys: j/k move between cases (rows or cards), x selects the focused one; Enter opens it natively (a link). */
export function useListKeys(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.body.classList.contains('has-modal')) return;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        move(event.key === 'j' ? 1 : -1);
      } else if (event.key === 'x') {
        event.preventDefault();
        toggleFocused();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
