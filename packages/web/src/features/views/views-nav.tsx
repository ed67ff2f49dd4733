import { Link } from 'react-router';
import { countText, useViews, viewHref, type SavedView } from './views-api';

function ViewLink({ view, active }: { view: SavedView; active: boolean }) {
  return (
    <li>
      <Link to={viewHref(view)} className={`view-link${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined}>
        <span className="view-name" title={view.name}>
          {view.name}
        </span>
        <span className="view-count">
          {countText(view)}
          <span className="visually-hidden"> {view.count === 1 ? 'case' : 'cases'}</span>
        </span>
      </Link>
    </li>
  );
}

/**
 * Saved views in the Cases navigation, each with how many cases the user may see match it (live);
 * under All cases, Spam: the cases marked as spam, which no other list shows (SPEC §13).
 */
export function ViewsNav({ activeId, allActive, spamActive }: { activeId: string | null; allActive: boolean; spamActive: boolean }) {
  const views = useViews();
  const personal = (views.data ?? []).filter((view) => view.shared === null);
  const shared = (views.data ?? []).filter((view) => view.shared !== null);
  return (
    <nav className="views-nav" aria-label="Saved views">
      <ul className="views-list">
        <li>
          <Link to="/cases" className={`view-link${allActive ? ' is-active' : ''}`} aria-current={allActive ? 'page' : undefined}>
            <span className="view-name">All cases</span>
          </Link>
        </li>
        <li>
          <Link
            to="/cases?status=spam"
            className={`view-link${spamActive ? ' is-active' : ''}`}
            aria-current={spamActive ? 'page' : undefined}
          >
            <span className="view-name">Spam</span>
          </Link>
        </li>
      </ul>
      {personal.length ? (
        <>
          <h2 className="views-heading">My views</h2>
          <ul className="views-list">
            {personal.map((view) => (
              <ViewLink key={view.id} view={view} active={view.id === activeId} />
            ))}
          </ul>
        </>
      ) : null}
      {shared.length ? (
        <>
          <h2 className="views-heading">Shared views</h2>
          <ul className="views-list">
            {shared.map((view) => (
              <ViewLink key={view.id} view={view} active={view.id === activeId} />
            ))}
          </ul>
        </>
      ) : null}
      {views.data && views.data.length === 0 ? <p className="views-empty muted">Filter the list, then “Save view” keeps it here.</p> : null}
    </nav>
  );
}
