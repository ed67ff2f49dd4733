import { useCallback, useSyncExternalStore } from 'react';

export type ListLayout = 'table' | 'cards';

/** Wide enough for the table; below it (phones) the list is always cards. */
const WIDE = '(min-width: 761px)';

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    () => window.matchMedia(query).matches,
  );
}

const storageKey = (userId: string) => `casework.cases-layout.${userId}`;
const listeners = new Set<() => void>();

function read(userId: string): ListLayout {
  try {
    return window.localStorage.getItem(storageKey(userId)) === 'cards' ? 'cards' : 'table';
  } catch {
    return 'table';
  }
}

/**
 * The Cases list's layout: the table by default on wide screens, the user's choice remembered
 * (per user, in this browser); phones always get cards. `canChoose` is false on phones.
 */
export function useListLayout(userId: string | undefined): { layout: ListLayout; canChoose: boolean; choose: (l: ListLayout) => void } {
  const wide = useMedia(WIDE);
  const chosen = useSyncExternalStore(
    (notify) => {
      listeners.add(notify);
      return () => listeners.delete(notify);
    },
    () => (userId ? read(userId) : 'table'),
  );
  const choose = useCallback(
    (next: ListLayout) => {
      if (!userId) return;
      try {
        window.localStorage.setItem(storageKey(userId), next);
      } catch {
        /* private mode: the choice lasts for this page only */
      }
      for (const notify of listeners) notify();
    },
    [userId],
  );
  return { layout: wide ? chosen : 'cards', canChoose: wide, choose };
}
