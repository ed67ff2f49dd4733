/**
 * The resolution target is met by solving a case (SPEC §12; the domain's metAtFor): a case
 * canceled, marked spam or abandoned stops its resolution clock unmet, neither met nor breached
 * unless it had breached by then. Cases finished that way before this rule had the clock met at
 * the finish: it becomes a clock paused there (so reopening goes on from where it stopped, as
 * reconcileSla does), and the stored outcome reports no longer count (null).
 */
export const up = /* sql */ `
  UPDATE cases c SET
    sla = jsonb_set(c.sla, '{clocks}', (
      SELECT jsonb_agg(CASE WHEN k.clock->>'kind' = 'resolution' AND k.clock->>'metAt' IS NOT NULL AND k.clock->>'breachedAt' IS NULL
          THEN k.clock || jsonb_build_object('metAt', null, 'pausedAt', k.clock->'metAt')
          ELSE k.clock END ORDER BY k.n)
      FROM jsonb_array_elements(c.sla->'clocks') WITH ORDINALITY AS k(clock, n))),
    sla_resolution_outcome = NULL
  WHERE c.sla_resolution_outcome = 'met'
    AND (c.status IN ('canceled', 'spam') OR c.resolution = 'canceled' OR c.resolution_reason = 'abandoned');
`;
