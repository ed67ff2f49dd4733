import { useEffect, useRef } from 'react';

/** Whether a key press belongs to a field being typed in (or an open menu), where page keys never fire. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || Boolean(target.closest('[role="menu"]'));
}

/**
 * A page's single-key shortcuts (`{ r: reply, '?': help, esc: back }`; Escape is named `esc`): none fires while the user types in a
 * field, while a dialog is open, or with Ctrl, Cmd or Alt held. The handlers may change between renders.
 */
export function usePageKeys(handlers: Record<string, (() => void) | undefined>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.body.classList.contains('has-modal')) return;
      const handler = current.current[event.key === 'Escape' ? 'esc' : event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
