import { openStatus, slaClockJson, slaOutcomeOfClock } from '../sql-rules.ts';

/**
 * Reports' SLA achievement of finished cases (SPEC §12): a case resolved or canceled stops its
 * clocks, so a target it neither met nor breached by then is no longer counted as running (the
 * domain's storedOutcome now says null: neither met nor breached). The stored outcomes of every
 * finished case with clocks are written again from its record by that rule (slaOutcomeOfClock at
 * -infinity, on a finished case); the write path keeps them from here on.
 */
export const up = /* sql */ `
  UPDATE cases c SET
    sla_first_outcome = ${slaOutcomeOfClock(slaClockJson('c', 'firstResponse'), "'-infinity'::timestamptz", 'false')},
    sla_resolution_outcome = ${slaOutcomeOfClock(slaClockJson('c', 'resolution'), "'-infinity'::timestamptz", 'false')}
  WHERE c.sla IS NOT NULL AND NOT (${openStatus('c')})
    AND (c.sla_first_outcome = 'running' OR c.sla_resolution_outcome = 'running');
`;
