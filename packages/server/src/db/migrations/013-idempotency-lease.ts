/**
 * Idempotency reservations get a holder and a lease (http/idempotency.ts): a reservation whose
 * holder died mid-request is taken over by the next request with the same key once its lease
 * ends. Reservations left by a process that ran before this migration count as expired.
 */
export const up = /* sql */ `
  ALTER TABLE idempotency_keys
    ADD COLUMN holder text NOT NULL DEFAULT '',
    ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();
`;
