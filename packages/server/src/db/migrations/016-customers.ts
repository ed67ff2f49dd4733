/**
 * Customers (SPEC §10): the list, the profile and merging.
 * - A merged customer stays as a row pointing at the survivor (`merged_into`): its email and
 *   phone still match an incoming message or a new case (db/repos/customers.ts follows the
 *   pointer), so the channel identities move with the cases. Lists leave merged rows out.
 * - The list is ordered by the name shown (name, else email, else phone), lower-cased, in byte
 *   order (COLLATE "C"): one index gives the order, the keyset pages and a short prefix search.
 * - Phone search gets the trigram index names and emails have (migration 003).
 * - A customer's cases newest first, with what visibility needs (team, owner) and the status, from
 *   one index: the profile and its visible caseCount read the index alone. It replaces
 *   cases_customer (same leading column, same uses), so writes maintain as many indexes as before.
 */
export const up = /* sql */ `
    ALTER TABLE customers ADD COLUMN merged_into uuid REFERENCES customers(id);
    ALTER TABLE customers ADD COLUMN merged_at timestamptz;
    ALTER TABLE customers ADD COLUMN updated_at timestamptz;
    CREATE INDEX IF NOT EXISTS customers_sort ON customers ((lower(COALESCE(name, email, phone, '')) COLLATE "C"), id) WHERE merged_into IS NULL;
    CREATE INDEX IF NOT EXISTS customers_phone_trgm ON customers USING gin (phone gin_trgm_ops) WHERE phone IS NOT NULL;
    CREATE INDEX IF NOT EXISTS customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;
    CREATE INDEX IF NOT EXISTS cases_customer_created ON cases (customer_id, created_at DESC, id DESC) INCLUDE (team_id, owner_id, status)
      WHERE customer_id IS NOT NULL;
    DROP INDEX IF EXISTS cases_customer;
`;
