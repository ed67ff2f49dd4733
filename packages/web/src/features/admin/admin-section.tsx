import type { ReactNode } from 'react';
import { Button } from '../../components/button';

type AdminSectionProps = {
  /** Prefix of the heading's id (`${id}-title`), which labels the section. */
  id: string;
  title: string;
  /** The primary button in the header, e.g. "New team". */
  newLabel: string;
  onNew: () => void;
  children: ReactNode;
};

/** One admin tab's list: a heading with its "New …" button on the right, then the content. */
export function AdminSection({ id, title, newLabel, onNew, children }: AdminSectionProps) {
  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="section-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <Button variant="primary" onClick={onNew}>
          {newLabel}
        </Button>
      </div>
      {children}
    </section>
  );
}
