import type { ReactNode } from 'react';

type DataTableProps = {
  /** Column headings, in order; a last, visually hidden "Actions" column follows. */
  columns: string[];
  /** On narrow screens each row stacks into a card (cells carry `data-label`). */
  stacked?: boolean;
  /** The `<tr>` rows. */
  children: ReactNode;
};

/** An admin table: headed columns plus an unlabelled actions column, so every list reads the same to screen readers. */
export function DataTable({ columns, stacked = false, children }: DataTableProps) {
  return (
    <div className={stacked ? 'table-wrap table-stack-wrap' : 'table-wrap'}>
      <table className={stacked ? 'table table-stack' : 'table'}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
