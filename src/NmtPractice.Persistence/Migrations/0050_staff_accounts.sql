-- Staff accounts (docs/security.md, "Staff accounts"): who may log in with an email and a password, with which role
-- and scope. password_hash is ASP.NET Core Identity's PasswordHasher format (PBKDF2, salted); the password itself is
-- never stored. The lockout counters: failures since failure_window_start, and locked_until once too many.
CREATE TABLE IF NOT EXISTS staff_users (
    id                   uuid        PRIMARY KEY,
    email                text        NOT NULL,
    display_name         text        NOT NULL,
    role                 text        NOT NULL,
    clinic_ids           text[]      NOT NULL DEFAULT '{}',
    therapist_id         text        NULL,
    password_hash        text        NOT NULL,
    disabled             boolean     NOT NULL DEFAULT false,
    failed_logins        integer     NOT NULL DEFAULT 0,
    failure_window_start timestamptz NULL,
    locked_until         timestamptz NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT staff_users_role_check CHECK (role IN ('chain-admin', 'clinic-manager', 'front-desk', 'therapist')),
    CONSTRAINT staff_users_therapist_check CHECK ((role = 'therapist') = (therapist_id IS NOT NULL))
);
-- An email is one account whatever its case.
CREATE UNIQUE INDEX IF NOT EXISTS staff_users_email_key ON staff_users (lower(email));

-- Refresh tokens: only their SHA-256 is kept (a token is 256 random bits, so a plain hash is enough). Every login
-- starts a family; each refresh uses its token up (used_at) and issues the next one in the family. A used token
-- presented again means it was copied: the whole family is revoked.
CREATE TABLE IF NOT EXISTS refresh_tokens (
    id             uuid        PRIMARY KEY,
    family_id      uuid        NOT NULL,
    user_id        uuid        NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    token_hash     bytea       NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz NULL,
    revoked_at     timestamptz NULL,
    revoked_reason text        NULL
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_expires_idx ON refresh_tokens (expires_at);
