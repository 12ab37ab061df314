-- Client clinical records: intake, consents and versioned session notes. Personal data lives only here and in the
-- client directory and client grain state; erasure deletes it (see docs/security.md, "Erasure").
CREATE TABLE IF NOT EXISTS client_intake (
    client_id              text        PRIMARY KEY,
    health_history         text        NOT NULL DEFAULT '',
    contraindications      text[]      NOT NULL DEFAULT '{}',
    contraindication_notes text        NULL,
    medications            text        NULL,
    updated_by             text        NOT NULL,
    updated_at             timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS client_consents (
    consent_id   uuid        PRIMARY KEY,
    client_id    text        NOT NULL,
    kind         text        NOT NULL,
    given_at     timestamptz NOT NULL,
    recorded_by  text        NOT NULL,
    withdrawn_at timestamptz NULL,
    withdrawn_by text        NULL
);
CREATE INDEX IF NOT EXISTS client_consents_client_idx ON client_consents (client_id, given_at);

-- One row per version of a note: (note_id, version). A draft row is edited in place; a signed row never changes
-- (the trigger below); an amendment is a new row with amended_from = the version it replaces.
CREATE TABLE IF NOT EXISTS session_notes (
    note_id        uuid        NOT NULL,
    version        int         NOT NULL,
    client_id      text        NOT NULL,
    appointment_id uuid        NOT NULL,
    clinic_id      text        NOT NULL,
    therapist_id   text        NOT NULL,
    session_start  timestamptz NOT NULL,
    status         text        NOT NULL,
    content        jsonb       NOT NULL,
    pain_before    smallint    NULL,
    pain_after     smallint    NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    signed_by      text        NULL,
    signed_at      timestamptz NULL,
    amended_from   int         NULL,
    amend_reason   text        NULL,
    PRIMARY KEY (note_id, version),
    CONSTRAINT session_notes_status_check CHECK (status IN ('draft', 'signed')),
    CONSTRAINT session_notes_signed_check CHECK ((status = 'signed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL)),
    CONSTRAINT session_notes_pain_check CHECK (pain_before BETWEEN 0 AND 10 AND pain_after BETWEEN 0 AND 10),
    CONSTRAINT session_notes_amend_check CHECK ((version = 1) = (amended_from IS NULL))
);
CREATE INDEX IF NOT EXISTS session_notes_client_idx ON session_notes (client_id, session_start);
-- One note per appointment.
CREATE UNIQUE INDEX IF NOT EXISTS session_notes_appointment_key ON session_notes (appointment_id) WHERE version = 1;

-- A signed version is final: UPDATE of a signed row raises. (DELETE stays possible: erasure on request.)
CREATE OR REPLACE FUNCTION session_notes_signed_is_final() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'session note %/% is signed and cannot be changed; amend it', OLD.note_id, OLD.version
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$fn$;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'session_notes_signed_is_final'
                   AND tgrelid = 'session_notes'::regclass) THEN
        CREATE TRIGGER session_notes_signed_is_final BEFORE UPDATE ON session_notes
            FOR EACH ROW EXECUTE FUNCTION session_notes_signed_is_final();
    END IF;
END
$do$;

-- Erased clients: the id stays reserved (no personal data: the id and when).
CREATE TABLE IF NOT EXISTS erased_clients (
    client_id text        PRIMARY KEY,
    erased_at timestamptz NOT NULL
);

-- A therapist may open a client's record when they have (had) an appointment with the client: a cheap EXISTS.
CREATE INDEX IF NOT EXISTS appointments_client_therapist_idx ON appointments (client_id, therapist_id);
