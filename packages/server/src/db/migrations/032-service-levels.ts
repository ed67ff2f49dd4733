/**
 * Service levels (SPEC §12): business-hours calendars and SLA policies (admin-written), and each
 * case's clocks. `cases.sla` holds the case's clock record as the domain's `reconcileSla` returns it
 * (null: no policy applies); the columns beside it are the domain's `slaColumns` of that record,
 * written in the same statement, so lists and the breach timer read plain columns:
 * `sla_due_at` (the nearest due time of a running clock), `sla_soon_at` (the nearest due-soon time),
 * `sla_breach_at` (the next breach not yet recorded: the breach timer's), `sla_paused_breached` and
 * `sla_paused_soon` (a paused clock not met has breached / is past its due-soon share).
 * Indexes: `cases_sla_breach` serves the breach timer's due scan (`jobs/timers.ts`, ORDER BY
 * sla_breach_at … FOR UPDATE SKIP LOCKED); `cases_sla_due` the Cases list's `sort=due` pages.
 */
export const up = /* sql */ `
  CREATE TABLE business_calendars (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    time_zone text NOT NULL,
    hours jsonb NOT NULL,
    holidays jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  CREATE TABLE sla_policies (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    position integer NOT NULL,
    conditions jsonb NOT NULL,
    targets jsonb NOT NULL,
    calendar_id uuid REFERENCES business_calendars(id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  );
  ALTER TABLE cases
    ADD COLUMN sla jsonb,
    ADD COLUMN sla_due_at timestamptz,
    ADD COLUMN sla_soon_at timestamptz,
    ADD COLUMN sla_breach_at timestamptz,
    ADD COLUMN sla_paused_breached boolean NOT NULL DEFAULT false,
    ADD COLUMN sla_paused_soon boolean NOT NULL DEFAULT false;
  CREATE INDEX cases_sla_breach ON cases (sla_breach_at) WHERE sla_breach_at IS NOT NULL;
  CREATE INDEX cases_sla_due ON cases (sla_due_at, id) WHERE sla_due_at IS NOT NULL;
`;
