import { Link } from 'react-router';
import { EmptyState } from '../components/empty-state';
import { usePageTitle } from '../lib/use-page-title';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <div className="page">
      <EmptyState title="This page does not exist">
        <Link to="/">Go to My Work</Link>
      </EmptyState>
    </div>
  );
}
