-- Every mutation is safe to retry with its request id (docs/architecture.md, "Retries and request ids").
--
-- appointment_requests: the request ids of appointment transitions (confirm, cancel, check-in, complete, no-show,
-- reschedule), written by the ledger in the same transaction as the transition itself, with a fingerprint of the
-- request (operation, appointment, parameters, caller) and the row as the transition left it (the first answer).
-- A retry after a lost answer finds its row and gets that answer; a different request under the same id is refused.
-- No personal data: ids, times and statuses only. Pruned after the retention (RequestLogPruner).
CREATE TABLE IF NOT EXISTS appointment_requests (
    request_id     text        PRIMARY KEY,
    appointment_id uuid        NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    operation      text        NOT NULL,
    fingerprint    bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    result         jsonb       NOT NULL
);
CREATE INDEX IF NOT EXISTS appointment_requests_created_idx ON appointment_requests (created_at);
CREATE INDEX IF NOT EXISTS appointment_requests_appointment_idx ON appointment_requests (appointment_id);

-- request_log: the other mutations (configuration, rosters, clients, records, cover), claimed by the gateway before
-- the call ('running', with a lease) and completed with the answer after it ('done'). A claim that finds a row:
-- another fingerprint -> REQUEST_ID_REUSED; 'done' -> the stored answer; 'running' -> wait for it. A failed call
-- deletes its claim, so a retry runs again. client_ids: every client the request or answer names, so that erasing a
-- client deletes the answers that carried their details (the trigger below). Pruned after the retention.
CREATE TABLE IF NOT EXISTS request_log (
    request_id  text        PRIMARY KEY,
    fingerprint bytea       NOT NULL,
    operation   text        NOT NULL,
    state       text        NOT NULL,
    lease_until timestamptz NOT NULL,
    response    bytea       NULL,
    trailers    text[]      NOT NULL DEFAULT '{}',
    client_ids  text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    CONSTRAINT request_log_state_check CHECK (state IN ('running', 'done'))
);
CREATE INDEX IF NOT EXISTS request_log_created_idx ON request_log (created_at);
CREATE INDEX IF NOT EXISTS request_log_client_ids_idx ON request_log USING gin (client_ids);

-- Erasure forgets the stored answers that named the client (a registration's answer holds the name and phone), and
-- the transition answers that still carry the client's id after the ledger anonymised the appointments.
CREATE OR REPLACE FUNCTION request_log_forget_client() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM request_log WHERE client_ids @> ARRAY[NEW.client_id];
    DELETE FROM appointment_requests WHERE result ->> 'client_id' = NEW.client_id;
    RETURN NEW;
END
$fn$;

DROP TRIGGER IF EXISTS erased_clients_forget_requests ON erased_clients;
CREATE TRIGGER erased_clients_forget_requests
    AFTER INSERT ON erased_clients
    FOR EACH ROW EXECUTE FUNCTION request_log_forget_client();

-- The application role (least privilege, when the deployment has one under the default name) reads and writes both
-- tables; it needs DELETE for pruning and for releasing a failed claim.
DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nmt_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON appointment_requests, request_log TO nmt_app;
    END IF;
END
$do$;
