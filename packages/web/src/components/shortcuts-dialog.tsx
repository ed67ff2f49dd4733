import { Button } from './button';
import { Dialog } from './dialog';

/** A key (as shown, e.g. "Esc") and what it does. */
export type Shortcut = [key: string, text: string];

/** The `?` overlay: a page's keyboard shortcuts (My Work, Cases, a case), listed for the user's rights. */
export function ShortcutsDialog({ shortcuts, onClose }: { shortcuts: readonly Shortcut[]; onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      size="sm"
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose} data-autofocus>
          Done
        </Button>
      }
    >
      <dl className="shortcuts">
        {shortcuts.map(([key, text]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <p className="muted shortcuts-note">Keys do nothing while you type in a field.</p>
    </Dialog>
  );
}

/** The button in a page header that opens the overlay. */
export function ShortcutsButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="link-btn shortcuts-button" onClick={onClick} aria-keyshortcuts="?">
      Keyboard shortcuts <kbd>?</kbd>
    </button>
  );
}
