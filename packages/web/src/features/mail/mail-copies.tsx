import { useId } from 'react';
import { Button } from '../../components/button';

/** Addresses typed into a Cc or Bcc field, separated by commas, semicolons or spaces. */
export const splitAddresses = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

export type Copies = { open: boolean; cc: string; bcc: string };
export const NO_COPIES: Copies = { open: false, cc: '', bcc: '' };

/** Cc and Bcc of an email reply (SPEC §13): a button that opens two address fields; the server checks the addresses. */
export function MailCopies({ copies, onChange }: { copies: Copies; onChange: (next: Copies) => void }) {
  const id = useId();
  if (!copies.open) {
    return (
      <Button size="sm" variant="ghost" className="mail-copies-toggle" onClick={() => onChange({ ...copies, open: true })}>
        Add Cc or Bcc
      </Button>
    );
  }
  return (
    <div className="mail-copies">
      <label htmlFor={`${id}-cc`}>Cc</label>
      <input
        id={`${id}-cc`}
        type="text"
        inputMode="email"
        autoComplete="off"
        placeholder="name@example.com, …"
        value={copies.cc}
        onChange={(e) => onChange({ ...copies, cc: e.target.value })}
      />
      <label htmlFor={`${id}-bcc`}>Bcc</label>
      <input
        id={`${id}-bcc`}
        type="text"
        inputMode="email"
        autoComplete="off"
        placeholder="Not shown to the others"
        value={copies.bcc}
        onChange={(e) => onChange({ ...copies, bcc: e.target.value })}
      />
    </div>
  );
}
