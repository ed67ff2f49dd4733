import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { invalidateCaseViews, keys, lookupUserName, storeCase } from '../../api/queries';
import type { Me, Work } from '../../api/types';
import { Button } from '../../components/button';
import { CaseCard } from '../../components/case-card';
import { EmptyState } from '../../components/empty-state';
import { useToast } from '../../components/toast';
import { runCaseAction } from '../case-actions/run-action';

type Notice = { tone: 'warning' | 'info'; text: string } | null;

/** The Review All link: exactly the candidates (new, unowned, in one of my teams). */
function reviewAllHref(me: Me): string {
  const params = new URLSearchParams({ status: 'new', ownerId: 'none' });
  if (me.teamIds.length) params.set('teamId', me.teamIds.join(','));
  return `/cases?${params.toString().replaceAll('%2C', ',')}`;
}

type Props = { work: Work; me: Me; claimSignal: number };

/** "Next Unassigned Case": the case, why it is next, Claim It, the count and Review All. */
export function NextCasePanel({ work, me, claimSignal }: Props) {
  const client = useQueryClient();
  const toast = useToast();
  const [claiming, setClaiming] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const next = work.next;

  const canClaim = Boolean(next?.case.actions.includes('claim'));

  async function claim() {
    if (!next || claiming || !canClaim) return;
    setClaiming(true);
    setNotice(null);
    try {
      const claimed = await runCaseAction(next.case.id, 'claim');
      storeCase(client, claimed);
      toast.success(`You claimed ${next.case.reference}`, 'It is now in your work.');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'already_claimed') {
        const name = await lookupUserName(client, error.ownerId);
        setNotice({ tone: 'warning', text: `Taken by ${name}: ${next.case.reference} was claimed first. Here is the next case.` });
      } else if (error instanceof ApiError && error.code === 'capacity_reached') {
        setNotice({
          tone: 'warning',
          text: 'You have reached your limit of open cases. Solve or hand over a case before claiming another.',
        });
      } else {
        toast.error(error);
      }
    } finally {
      await invalidateCaseViews(client, next.case.id);
      await client.refetchQueries({ queryKey: keys.work, type: 'active' });
      setClaiming(false);
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new signal (the `c` shortcut) claims; the latest render's `claim` sees the current next case
  useEffect(() => {
    if (claimSignal > 0) void claim();
  }, [claimSignal]);

  const capacityReached = work.capacityReached === true;
  return (
    <section className="next-panel" aria-labelledby="next-title">
      <div className="next-panel-head">
        <h2 id="next-title">Next Unassigned Case</h2>
        {next && !capacityReached ? <p className="next-reason">{next.reason}</p> : null}
      </div>
      <div className="next-notice" aria-live="polite">
        {notice ? <p className={`notice notice-${notice.tone}`}>{notice.text}</p> : null}
      </div>
      {capacityReached ? (
        <p className="notice notice-warning">
          You have reached your limit of open cases. Solve or hand over a case before claiming the next one.
        </p>
      ) : null}
      {next && !capacityReached ? (
        <div className="next-body">
          <div className="next-card">
            <CaseCard caseItem={next.case} />
          </div>
          {canClaim ? (
            <div className="next-claim">
              <Button variant="primary" className="btn-lg" busy={claiming} onClick={() => void claim()} aria-keyshortcuts="c">
                Claim It
              </Button>
              <span className="kbd-hint" aria-hidden="true">
                or press <kbd>c</kbd>
              </span>
            </div>
          ) : (
            <p className="muted next-cannot">Your role cannot claim cases.</p>
          )}
        </div>
      ) : null}
      {!next && !capacityReached ? (
        <EmptyState title="No unassigned cases in your teams">
          {me.teamIds.length === 0 ? 'You are not a member of any team yet.' : 'New cases for your teams will appear here as they arrive.'}
        </EmptyState>
      ) : null}
      <div className="next-panel-foot">
        {me.teamIds.length > 0 ? (
          <Link to={reviewAllHref(me)} className="review-link">
            Review All (Cases List) &gt;
          </Link>
        ) : (
          <span />
        )}
        <span className="next-count">
          <span aria-hidden="true">
            <strong>{work.unassignedCount}</strong> unassigned
          </span>
          <span className="visually-hidden">{work.unassignedCount} new unassigned cases in your teams</span>
        </span>
      </div>
    </section>
  );
}
