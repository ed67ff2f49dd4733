import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

type DialogProps = {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  description?: ReactNode;
  size?: 'sm' | 'md';
  /** Element to focus first (defaults to the first focusable field). */
  initialFocus?: React.RefObject<HTMLElement | null>;
  /** When given, the body and footer form one <form> (Enter submits). */
  onSubmit?: () => void;
};

/** Open dialogs, innermost last: only the top one reacts to Escape and traps focus. */
const openDialogs: HTMLElement[] = [];

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Modal dialog: traps Tab inside, closes on Escape or backdrop click, returns focus to the opener. */
export function Dialog({ title, onClose, children, footer, description, size = 'md', initialFocus, onSubmit }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const node = panel.current;
    if (!node) return;
    openDialogs.push(node);
    const candidates = [
      initialFocus?.current,
      node.querySelector<HTMLElement>('[data-autofocus]'),
      ...Array.from(node.querySelectorAll<HTMLElement>('input, select, textarea')),
      ...Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE)),
    ];
    for (const candidate of candidates) {
      candidate?.focus();
      if (candidate && document.activeElement === candidate) break;
    }
    if (!node.contains(document.activeElement)) node.focus();
    // Escape and the focus trap also work when focus somehow left the dialog (topmost dialog only).
    const onDocKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && openDialogs[openDialogs.length - 1] === node && !node.contains(event.target as Node)) {
        event.preventDefault();
        closeRef.current();
      }
    };
    const onFocusIn = (event: FocusEvent) => {
      if (openDialogs[openDialogs.length - 1] === node && !node.contains(event.target as Node)) node.focus();
    };
    document.addEventListener('keydown', onDocKey);
    document.addEventListener('focusin', onFocusIn);
    document.body.classList.add('has-modal');
    return () => {
      document.removeEventListener('keydown', onDocKey);
      document.removeEventListener('focusin', onFocusIn);
      openDialogs.splice(openDialogs.indexOf(node), 1);
      if (openDialogs.length === 0) document.body.classList.remove('has-modal');
      if (opener && document.contains(opener)) opener.focus();
    };
  }, [initialFocus]);

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeRef.current();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const items = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null);
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (event.shiftKey && (document.activeElement === first || document.activeElement === panel.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, a mouse shortcut; the keyboard has Escape and the Close button
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panel}
        className={`dialog dialog-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close dialog" onClick={onClose}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
            </svg>
          </button>
        </div>
        {description ? (
          <div id={descriptionId} className="dialog-description">
            {description}
          </div>
        ) : null}
        {onSubmit ? (
          <form
            className="dialog-form"
            noValidate={false}
            onSubmit={(event) => {
              event.preventDefault();
              onSubmit();
            }}
          >
            <div className="dialog-body">{children}</div>
            {footer ? <div className="dialog-footer">{footer}</div> : null}
          </form>
        ) : (
          <>
            <div className="dialog-body">{children}</div>
            {footer ? <div className="dialog-footer">{footer}</div> : null}
          </>
        )}
      </div>
    </div>,
    document.body,
  );
}
