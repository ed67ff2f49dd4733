import { Link } from 'react-router';
import type { Case } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { customerLabel, useCustomerOpenCases } from './customers-api';

/** On a case page: the customer's other open cases the user sees, and a link to the whole profile. */
export function CustomerOtherCases({ caseItem }: { caseItem: Case }) {
  const customer = caseItem.customer;
  const profile = useCustomerOpenCases(customer?.id);
  if (!customer) return null;
  const others = (profile.data?.cases ?? []).filter((c) => c.id !== caseItem.id).slice(0, 5);
  return (
    <div className="customer-other">
      {profile.isSuccess ? (
        <>
          <h3 className="customer-other-title">Other open cases</h3>
          {others.length ? (
            <ul className="customer-other-list">
              {others.map((c) => (
                <li key={c.id}>
                  <Link to={`/cases/${c.id}`}>
                    <span className="case-ref">{c.reference}</span> {c.subject}
                  </Link>
                  <StatusChip status={c.status} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
        </>
      ) : null}
      <Link to={`/customers/${customer.id}`} className="customer-other-link">
        View {customerLabel(customer)}’s profile
        {profile.data ? ` (${profile.data.caseCount} case${profile.data.caseCount === 1 ? '' : 's'})` : ''}
      </Link>
    </div>
  );
}
