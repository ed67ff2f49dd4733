import { useEffect } from 'react';
import type { Shortcut } from '../../components/shortcuts-dialog';
import { isTyping } from '../../lib/page-keys';

type Shortcuts = { onClaim: () => void; onHelp: () => void };

/** The My Work keys for the `?` overlay; `c` only for someone who may claim. */
export function workShortcuts(canClaim: boolean): Shortcut[] {
  return [
    ...(canClaim ? ([['c', 'Claim the next unassigned case']] as Shortcut[]) : []),
    ['j', 'Focus the next case card'],
    ['k', 'Focus the previous case card'],
    ['Enter', 'Open the focused case'],
    ['?', 'Show this help'],
  ];
}

/** Moves focus to the previous/next case card link on the page. */
function moveCardFocus(step: 1 | -1) {
  const cards = Array.from(document.querySelectorAll<HTMLElement>('main [data-case-card]')).filter((el) => el.offsetParent !== null);
  if (cards.length === 0) return;
  const active = document.activeElement as HTMLElement | null;
  const current = cards.findIndex((card) => card === active || card.closest('article')?.contains(active));
  const next = current === -1 ? (step === 1 ? 0 : cards.length - 1) : Math.min(cards.length - 1, Math.max(0, current + step));
  const target = cards[next];
  target?.focus();
  target?.closest('article')?.scrollIntoView({ block: 'nearest' });
}

/** My Work keys: c claims the next case, j/k move between cards, ? shows help (Enter opens natively). */
export function useWorkShortcuts({ onClaim, onHelp }: Shortcuts): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.body.classList.contains('has-modal')) return;
      if (event.key === 'c') {
        event.preventDefault();
        onClaim();
      } else if (event.key === 'j') {
        event.preventDefault();
        moveCardFocus(1);
      } else if (event.key === 'k') {
        event.preventDefault();
        moveCardFocus(-1);
      } else if (event.key === '?') {
        event.preventDefault();
        onHelp();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClaim, onHelp]);
}
