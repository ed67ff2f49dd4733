import type { ReactNode } from 'react';
import { Button } from '../../components/button';

type ItemCardProps = {
  /** Id of the heading, which labels the card. */
  titleId: string;
  title: ReactNode;
  titleClassName?: string;
  subtitle: ReactNode;
  icon?: ReactNode;
  active: boolean;
  /** The chip's text when not active. */
  inactiveLabel?: string;
  /** Names the item in the buttons' accessible names: "Edit channel Support chat". */
  label: string;
  /** Actions shown before Edit and Delete. */
  actions?: ReactNode;
  onEdit: () => void;
  onRemove: () => void;
  children: ReactNode;
};

/** A card in the channels or webhooks list: title, active chip, Edit and Delete, then its details. */
export function ItemCard(props: ItemCardProps) {
  const { titleId, active, label } = props;
  return (
    <li className={`panel channel-item${active ? '' : ' is-inactive'}`} aria-labelledby={titleId}>
      <div className="channel-item-head">
        {props.icon}
        <div className="channel-item-title">
          <h3 id={titleId} className={props.titleClassName}>
            {props.title}
          </h3>
          <span className="muted">{props.subtitle}</span>
        </div>
        <span className={`chip ${active ? 'chip-ready' : 'chip-closed'}`}>{active ? 'Active' : (props.inactiveLabel ?? 'Inactive')}</span>
        <div className="channel-item-actions">
          {props.actions}
          <Button size="sm" onClick={props.onEdit} aria-label={`Edit ${label}`}>
            Edit
          </Button>
          <Button size="sm" variant="danger" onClick={props.onRemove} aria-label={`Delete ${label}`}>
            Delete
          </Button>
        </div>
      </div>
      {props.children}
    </li>
  );
}
