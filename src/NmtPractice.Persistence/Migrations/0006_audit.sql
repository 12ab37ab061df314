-- The audit trail: one row per read or change of a client record, per booking change and per erasure. Append-only:
-- the row triggers refuse UPDATE and DELETE, the statement trigger refuses TRUNCATE, and the privileges to do
-- them are revoked. Rows hold ids and action names only, never names, contact details or note text.
CREATE TABLE IF NOT EXISTS audit_log (
    id             bigserial   PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_subject  text        NOT NULL,
    actor_role     text        NOT NULL,
    clinic_id      text        NULL,
    action         text        NOT NULL,
    target_kind    text        NOT NULL,
    target_id      text        NULL,
    client_id      text        NULL,
    appointment_id uuid        NULL,
    source         text        NULL,
    outcome        text        NOT NULL,
    detail         jsonb       NULL,
    CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('ok', 'denied', 'refused'))
);
CREATE INDEX IF NOT EXISTS audit_log_client_at_idx ON audit_log (client_id, at);
CREATE INDEX IF NOT EXISTS audit_log_clinic_at_idx ON audit_log (clinic_id, at);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$fn$;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_no_update_delete' AND tgrelid = 'audit_log'::regclass) THEN
        CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_no_truncate' AND tgrelid = 'audit_log'::regclass) THEN
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    END IF;
END
$do$;

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
DO $do$
BEGIN
    -- The application's own role too, when it is not the owner's superuser: only INSERT and SELECT are needed.
    IF current_user <> (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log' AND schemaname = current_schema()) THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %I', current_user);
    END IF;
END
$do$;
