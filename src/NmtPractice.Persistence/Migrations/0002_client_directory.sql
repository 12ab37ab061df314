-- The client directory: a search projection of the client grains (name, phone, e-mail), written after each change.
-- The grain's state stays the source of truth; this table only answers "find the client".
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS client_directory (
    client_id   text PRIMARY KEY,
    given_name  text NOT NULL,
    family_name text NOT NULL,
    phone       text NULL,
    email       text NULL,
    -- digits of the phone only; a search matches a substring of them
    phone_digits text GENERATED ALWAYS AS (regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) STORED,
    search_name text GENERATED ALWAYS AS (lower(given_name || ' ' || family_name)) STORED,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS client_directory_name_trgm ON client_directory USING gin (search_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS client_directory_email ON client_directory (lower(email));
CREATE INDEX IF NOT EXISTS client_directory_phone_trgm ON client_directory USING gin (phone_digits gin_trgm_ops);
