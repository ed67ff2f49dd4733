import { Button } from '../../components/button';
import { Dialog } from '../../components/dialog';

const SHORTCUTS: [string, string][] = [
  ['c', 'Claim the next unassigned case'],
  ['j', 'Focus the next case card'],
  ['k', 'Focus the previous case card'],
  ['Enter', 'Open the focused case'],
  ['?', 'Show this help'],
];

/** The My Work keys; `c` is listed only for someone who may claim. */
export function ShortcutsDialog({ canClaim, onClose }: { canClaim: boolean; onClose: () => void }) {
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
        {SHORTCUTS.filter(([key]) => canClaim || key !== 'c').map(([key, text]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
