import type { ReactNode } from 'react';
import { Button } from './button';

type FormButtonsProps = { onCancel: () => void; busy?: boolean; disabled?: boolean; children: ReactNode };

/** A form dialog's footer: Cancel, then the primary submit button labelled `children` (Enter submits too). */
export function FormButtons({ onCancel, busy, disabled, children }: FormButtonsProps) {
  return (
    <>
      <Button onClick={onCancel}>Cancel</Button>
      <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
        {children}
      </Button>
    </>
  );
}
