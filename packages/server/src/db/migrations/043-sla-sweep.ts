/**
 * The SLA sweep's state (SPEC §12; jobs/sla-sweep.ts): one row. `requested` counts changes to SLA
 * policies and the calendars they count in, `swept` the change the last finished sweep answered,
 * `after_id` the last open case the sweep in progress has brought up to date (null: from the start).
 */
export const up = /* sql */ `
  CREATE TABLE sla_sweep (
    id int PRIMARY KEY CHECK (id = 1),
    requested bigint NOT NULL DEFAULT 0,
    swept bigint NOT NULL DEFAULT 0,
    after_id uuid,
    updated_at timestamptz
  );
  INSERT INTO sla_sweep (id) VALUES (1);
`;
