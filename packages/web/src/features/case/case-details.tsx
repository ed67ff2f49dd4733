import { Link } from 'react-router';
import type { Case } from '../../api/types';
import { ChannelIcon } from '../../components/channel-icon';
import { StatusChip } from '../../components/status-chip';
import { resolutionHint, resolutionLabel } from '../../lib/resolution';
import { formatDateTime } from '../../lib/time';
import { PhoneLink } from '../../lib/phone';

/** The facts of a case: status, team, owner, channel and the relevant times. */
export function CaseDetails({ caseItem, timeZone }: { caseItem: Case; timeZone: string }) {
  return (
    <dl className="details">
      <Row label="Status">
        <StatusChip status={caseItem.status} />
        {resolutionLabel(caseItem) ? <span className="muted"> · {resolutionLabel(caseItem)}</span> : null}
      </Row>
      <Row label="Team">{caseItem.teamName ?? '—'}</Row>
      <Row label="Owner">{caseItem.ownerId ? (caseItem.ownerName ?? 'Assigned') : <span className="muted">Unassigned</span>}</Row>
      <Row label="Channel">
        <ChannelIcon type={caseItem.type} withLabel />
      </Row>
      <Row label="Created">{formatDateTime(caseItem.createdAt, timeZone)}</Row>
      <Row label="Updated">{formatDateTime(caseItem.updatedAt, timeZone)}</Row>
      {caseItem.wakeAt ? <Row label="Wakes">{formatDateTime(caseItem.wakeAt, timeZone)}</Row> : null}
      {caseItem.resolvedAt ? (
        <Row label="Resolved">
          {formatDateTime(caseItem.resolvedAt, timeZone)}
          {resolutionHint(caseItem) ? <div className="muted">{resolutionHint(caseItem)}</div> : null}
        </Row>
      ) : null}
      {caseItem.followUpOf ? (
        <Row label="Follow-up of">
          <Link to={`/cases/${caseItem.followUpOf}`}>Earlier case</Link>
        </Row>
      ) : null}
      {caseItem.satisfaction ? (
        <Row label="Satisfaction">
          <span aria-hidden="true" className="satisfaction-stars">
            {'★'.repeat(caseItem.satisfaction.stars)}
            <span className="muted">{'★'.repeat(Math.max(0, 5 - caseItem.satisfaction.stars))}</span>
          </span>
          <span className="visually-hidden">{caseItem.satisfaction.stars} of 5 stars</span>
          {caseItem.satisfaction.comment ? <span className="muted"> “{caseItem.satisfaction.comment}”</span> : null}
        </Row>
      ) : caseItem.rating ? (
        <Row label="Rating">
          <span aria-hidden="true">
            {'★'.repeat(caseItem.rating.stars)}
            <span className="muted">{'★'.repeat(Math.max(0, 5 - caseItem.rating.stars))}</span>
          </span>
          <span className="visually-hidden">{caseItem.rating.stars} of 5 stars</span>
          {caseItem.rating.note ? <span className="muted"> “{caseItem.rating.note}”</span> : null}
        </Row>
      ) : null}
    </dl>
  );
}

export function CustomerDetails({ caseItem }: { caseItem: Case }) {
  const customer = caseItem.customer;
  if (!customer || (!customer.name && !customer.email && !customer.phone)) return <p className="muted">No customer details.</p>;
  return (
    <dl className="details">
      <Row label="Name">
        <Link to={`/customers/${customer.id}`}>{customer.name ?? 'Unnamed customer'}</Link>
      </Row>
      <Row label="Email">{customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : '—'}</Row>
      <Row label="Phone">{customer.phone ? <PhoneLink phone={customer.phone} /> : '—'}</Row>
    </dl>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="details-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
