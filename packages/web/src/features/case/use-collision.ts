import { useCallback, useEffect, useRef, useState } from 'react';
import { DELIVERY_EVENT, PRESENCE_EVENTS, subscribeLive } from '../../live/live-events';
import { useCaseActions } from '../case-actions/case-actions-provider';

/** After one of our own changes, events for the case within this window are ours. */
const OWN_WINDOW_MS = 2500;

/**
 * Tells whether someone else changed the case since this page loaded it: live events for
 * the case count, except those caused by this user's own actions from this browser.
 */
export function useCollision(caseId: string | undefined) {
  const [changed, setChanged] = useState(false);
  const inFlight = useRef(0);
  const ownUntil = useRef(0);
  const { subscribe } = useCaseActions();

  const markOwn = useCallback((phase: 'start' | 'end') => {
    if (phase === 'start') inFlight.current += 1;
    else {
      inFlight.current = Math.max(0, inFlight.current - 1);
      ownUntil.current = Date.now() + OWN_WINDOW_MS;
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the case changes, to start its collision state afresh
  useEffect(() => {
    setChanged(false);
    inFlight.current = 0;
    ownUntil.current = 0;
  }, [caseId]);

  useEffect(
    () =>
      subscribe((id, phase) => {
        if (id === caseId) markOwn(phase);
      }),
    [subscribe, caseId, markOwn],
  );

  useEffect(
    () =>
      subscribeLive((event) => {
        if (!caseId || event.caseId !== caseId || PRESENCE_EVENTS.has(event.type) || event.type === DELIVERY_EVENT) return;
        if (inFlight.current > 0 || Date.now() < ownUntil.current) return;
        setChanged(true);
      }),
    [caseId],
  );

  return { changed, acknowledge: useCallback(() => setChanged(false), []), markOwn };
}
