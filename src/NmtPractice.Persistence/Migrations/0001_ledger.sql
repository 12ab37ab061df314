-- The appointments ledger: the system's commit point. Its exclusion constraints make an overlapping
-- active (pending/booked/arrived) appointment per therapist, room (including turnover) and client impossible.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE IF NOT EXISTS appointments (
    id               uuid        PRIMARY KEY,
    request_id       text        NOT NULL,
    clinic_id        text        NOT NULL,
    therapist_id     text        NOT NULL,
    room_id          text        NOT NULL,
    client_id        text        NOT NULL,
    service_id       text        NOT NULL,
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    room_free_at     timestamptz NOT NULL,
    status           text        NOT NULL,
    hold_expires_at  timestamptz NULL,
    cancel_reason    text        NULL,
    cancelled_late   boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          int         NOT NULL DEFAULT 1,
    CONSTRAINT appointments_request_id_key UNIQUE (request_id),
    CONSTRAINT appointments_status_check
        CHECK (status IN ('pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow')),
    CONSTRAINT appointments_times_check
        CHECK (starts_at < ends_at AND ends_at <= room_free_at),
    CONSTRAINT appointments_therapist_no_overlap
        EXCLUDE USING gist (therapist_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (status IN ('pending', 'booked', 'arrived')),
    CONSTRAINT appointments_room_no_overlap
        EXCLUDE USING gist (clinic_id WITH =, room_id WITH =, tstzrange(starts_at, room_free_at) WITH &&)
        WHERE (status IN ('pending', 'booked', 'arrived')),
    CONSTRAINT appointments_client_no_overlap
        EXCLUDE USING gist (client_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (status IN ('pending', 'booked', 'arrived'))
);

-- Listings by start (all statuses); occupancy queries use the exclusion constraints' gist indexes.
CREATE INDEX IF NOT EXISTS appointments_clinic_starts_idx    ON appointments (clinic_id, starts_at);
CREATE INDEX IF NOT EXISTS appointments_therapist_starts_idx ON appointments (therapist_id, starts_at);
CREATE INDEX IF NOT EXISTS appointments_client_starts_idx    ON appointments (client_id, starts_at);
-- Holds waiting to expire (small: holds live minutes).
CREATE INDEX IF NOT EXISTS appointments_pending_hold_idx     ON appointments (hold_expires_at) WHERE status = 'pending';

-- Cancels expired holds (pending, hold_expires_at <= now) that overlap the given slot by therapist, room or
-- client, so that an expired hold never blocks a booking. p_except: a row to leave alone (a move's own row).
CREATE OR REPLACE FUNCTION ledger_expire_overlapping_holds(
    p_now timestamptz, p_clinic_id text, p_therapist_id text, p_room_id text, p_client_id text,
    p_starts_at timestamptz, p_ends_at timestamptz, p_room_free_at timestamptz, p_except uuid)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_count integer;
BEGIN
    UPDATE appointments a
       SET status = 'cancelled', cancel_reason = 'hold-expired', version = a.version + 1, updated_at = p_now
     WHERE a.status IN ('pending', 'booked', 'arrived') AND a.status = 'pending'
       AND a.hold_expires_at <= p_now
       AND (p_except IS NULL OR a.id <> p_except)
       AND (   (a.therapist_id = p_therapist_id AND tstzrange(a.starts_at, a.ends_at) && tstzrange(p_starts_at, p_ends_at))
            OR (a.clinic_id = p_clinic_id AND a.room_id = p_room_id
                AND tstzrange(a.starts_at, a.room_free_at) && tstzrange(p_starts_at, p_room_free_at))
            OR (a.client_id = p_client_id AND tstzrange(a.starts_at, a.ends_at) && tstzrange(p_starts_at, p_ends_at)));
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$fn$;

-- The id of an active appointment holding the resource named by an exclusion constraint over the slot.
CREATE OR REPLACE FUNCTION ledger_find_conflict(
    p_constraint text, p_clinic_id text, p_therapist_id text, p_room_id text, p_client_id text,
    p_starts_at timestamptz, p_ends_at timestamptz, p_room_free_at timestamptz, p_except uuid)
RETURNS uuid
LANGUAGE sql STABLE AS $fn$
    SELECT a.id FROM appointments a
     WHERE a.status IN ('pending', 'booked', 'arrived')
       AND (p_except IS NULL OR a.id <> p_except)
       AND CASE p_constraint
             WHEN 'appointments_therapist_no_overlap' THEN
                  a.therapist_id = p_therapist_id AND tstzrange(a.starts_at, a.ends_at) && tstzrange(p_starts_at, p_ends_at)
             WHEN 'appointments_room_no_overlap' THEN
                  a.clinic_id = p_clinic_id AND a.room_id = p_room_id
                  AND tstzrange(a.starts_at, a.room_free_at) && tstzrange(p_starts_at, p_room_free_at)
             WHEN 'appointments_client_no_overlap' THEN
                  a.client_id = p_client_id AND tstzrange(a.starts_at, a.ends_at) && tstzrange(p_starts_at, p_ends_at)
             ELSE false
           END
     LIMIT 1
$fn$;

-- Takes transaction-scoped advisory locks on every resource (therapist, clinic room, client) a write is about
-- to occupy, all at once and in one global order. Writers then never wait on each other's uncommitted rows
-- inside an exclusion check, so concurrent group commits do not deadlock. Hash collisions only serialise more.
CREATE OR REPLACE FUNCTION ledger_lock_resources(
    p_clinic_id text[], p_therapist_id text[], p_room_id text[], p_client_id text[])
RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    k record;
BEGIN
    FOR k IN
        SELECT DISTINCT s.c, s.h FROM (
            SELECT 74001 AS c, hashtext(t) AS h FROM unnest(p_therapist_id) AS t
            UNION ALL
            SELECT 74002, hashtext(x.cl || '/' || x.r) FROM unnest(p_clinic_id, p_room_id) AS x(cl, r)
            UNION ALL
            SELECT 74003, hashtext(c) FROM unnest(p_client_id) AS c) s
        ORDER BY s.c, s.h
    LOOP
        PERFORM pg_advisory_xact_lock(k.c, k.h);
    END LOOP;
END
$fn$;

-- Group commit: inserts a batch in one call (one transaction when called in auto-commit), each item in its own
-- subtransaction so that outcomes are independent; items are processed in input order (the first wins).
-- Outcome per item: 'inserted', 'duplicate' (request_id, or id, already present: the existing row is returned),
-- 'conflict' (r_conflict_constraint names the exclusion constraint, r_conflict_id an overlapping row if visible).
CREATE OR REPLACE FUNCTION ledger_insert_many(
    p_now timestamptz,
    p_id uuid[], p_request_id text[], p_clinic_id text[], p_therapist_id text[], p_room_id text[],
    p_client_id text[], p_service_id text[], p_starts_at timestamptz[], p_ends_at timestamptz[],
    p_room_free_at timestamptz[], p_status text[], p_hold_expires_at timestamptz[])
RETURNS TABLE (
    r_ord integer, r_outcome text, r_conflict_constraint text, r_conflict_id uuid,
    r_id uuid, r_request_id text, r_clinic_id text, r_therapist_id text, r_room_id text, r_client_id text,
    r_service_id text, r_starts_at timestamptz, r_ends_at timestamptz, r_room_free_at timestamptz, r_status text,
    r_hold_expires_at timestamptz, r_cancel_reason text, r_cancelled_late boolean, r_created_at timestamptz,
    r_updated_at timestamptz, r_version integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    n integer := coalesce(array_length(p_id, 1), 0);
    i integer;
    v_id uuid;
    v_outcome text;
    v_constraint text;
    v_conflict uuid;
BEGIN
    PERFORM ledger_lock_resources(p_clinic_id, p_therapist_id, p_room_id, p_client_id);
    FOR i IN 1 .. n LOOP
        v_id := NULL; v_constraint := NULL; v_conflict := NULL;

        SELECT a.id INTO v_id FROM appointments a WHERE a.request_id = p_request_id[i];
        IF v_id IS NOT NULL THEN
            v_outcome := 'duplicate';
        ELSE
            BEGIN
                PERFORM ledger_expire_overlapping_holds(p_now, p_clinic_id[i], p_therapist_id[i], p_room_id[i], p_client_id[i],
                                                        p_starts_at[i], p_ends_at[i], p_room_free_at[i], NULL);
                INSERT INTO appointments (id, request_id, clinic_id, therapist_id, room_id, client_id, service_id,
                                          starts_at, ends_at, room_free_at, status, hold_expires_at, cancel_reason,
                                          cancelled_late, created_at, updated_at, version)
                VALUES (p_id[i], p_request_id[i], p_clinic_id[i], p_therapist_id[i], p_room_id[i], p_client_id[i],
                        p_service_id[i], p_starts_at[i], p_ends_at[i], p_room_free_at[i], p_status[i],
                        p_hold_expires_at[i], NULL, false, p_now, p_now, 1)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING id INTO v_id;
                IF v_id IS NULL THEN
                    -- A concurrent transaction committed the same request first.
                    SELECT a.id INTO v_id FROM appointments a WHERE a.request_id = p_request_id[i];
                    v_outcome := 'duplicate';
                ELSE
                    v_outcome := 'inserted';
                END IF;
            EXCEPTION
                WHEN exclusion_violation THEN
                    GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
                    v_outcome := 'conflict';
                    v_conflict := ledger_find_conflict(v_constraint, p_clinic_id[i], p_therapist_id[i], p_room_id[i],
                                                       p_client_id[i], p_starts_at[i], p_ends_at[i], p_room_free_at[i], NULL);
                WHEN unique_violation THEN
                    -- Same id under another request id.
                    v_outcome := 'duplicate';
                    v_id := p_id[i];
            END;
        END IF;

        IF v_outcome = 'conflict' THEN
            r_ord := i; r_outcome := v_outcome; r_conflict_constraint := v_constraint; r_conflict_id := v_conflict;
            r_id := NULL; r_request_id := NULL; r_clinic_id := NULL; r_therapist_id := NULL; r_room_id := NULL;
            r_client_id := NULL; r_service_id := NULL; r_starts_at := NULL; r_ends_at := NULL; r_room_free_at := NULL;
            r_status := NULL; r_hold_expires_at := NULL; r_cancel_reason := NULL; r_cancelled_late := NULL;
            r_created_at := NULL; r_updated_at := NULL; r_version := NULL;
            RETURN NEXT;
        ELSE
            RETURN QUERY
                SELECT i, v_outcome, NULL::text, NULL::uuid,
                       a.id, a.request_id, a.clinic_id, a.therapist_id, a.room_id, a.client_id, a.service_id,
                       a.starts_at, a.ends_at, a.room_free_at, a.status, a.hold_expires_at, a.cancel_reason,
                       a.cancelled_late, a.created_at, a.updated_at, a.version
                  FROM appointments a WHERE a.id = v_id;
        END IF;
    END LOOP;
END
$fn$;

-- Atomic reschedule of an active appointment (therapist, room and times; the clinic stays). Outcomes:
-- 'moved', 'notfound', 'stale' (version differs), 'invalid' (not pending/booked, or an expired hold),
-- 'conflict' (r_conflict_constraint / r_conflict_id). The current row is returned except on notfound.
CREATE OR REPLACE FUNCTION ledger_move(
    p_id uuid, p_expected_version integer, p_therapist_id text, p_room_id text,
    p_starts_at timestamptz, p_ends_at timestamptz, p_room_free_at timestamptz, p_now timestamptz)
RETURNS TABLE (
    r_outcome text, r_conflict_constraint text, r_conflict_id uuid,
    r_id uuid, r_request_id text, r_clinic_id text, r_therapist_id text, r_room_id text, r_client_id text,
    r_service_id text, r_starts_at timestamptz, r_ends_at timestamptz, r_room_free_at timestamptz, r_status text,
    r_hold_expires_at timestamptz, r_cancel_reason text, r_cancelled_late boolean, r_created_at timestamptz,
    r_updated_at timestamptz, r_version integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    cur appointments%ROWTYPE;
    v_outcome text;
    v_constraint text;
    v_conflict uuid;
BEGIN
    -- Lock the old and the new resources (clinic and client do not change) before the row itself.
    SELECT * INTO cur FROM appointments a WHERE a.id = p_id;
    IF FOUND THEN
        PERFORM ledger_lock_resources(ARRAY[cur.clinic_id, cur.clinic_id], ARRAY[cur.therapist_id, p_therapist_id],
                                      ARRAY[cur.room_id, p_room_id], ARRAY[cur.client_id, cur.client_id]);
    END IF;
    SELECT * INTO cur FROM appointments a WHERE a.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        r_outcome := 'notfound';
        RETURN NEXT;
        RETURN;
    END IF;

    IF cur.version <> p_expected_version THEN
        v_outcome := 'stale';
    ELSIF cur.status NOT IN ('pending', 'booked')
          OR (cur.status = 'pending' AND (cur.hold_expires_at IS NULL OR cur.hold_expires_at <= p_now)) THEN
        v_outcome := 'invalid';
    ELSE
        BEGIN
            PERFORM ledger_expire_overlapping_holds(p_now, cur.clinic_id, p_therapist_id, p_room_id, cur.client_id,
                                                    p_starts_at, p_ends_at, p_room_free_at, p_id);
            UPDATE appointments a
               SET therapist_id = p_therapist_id, room_id = p_room_id, starts_at = p_starts_at, ends_at = p_ends_at,
                   room_free_at = p_room_free_at, version = a.version + 1, updated_at = p_now
             WHERE a.id = p_id;
            v_outcome := 'moved';
        EXCEPTION
            WHEN exclusion_violation THEN
                GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
                v_outcome := 'conflict';
                v_conflict := ledger_find_conflict(v_constraint, cur.clinic_id, p_therapist_id, p_room_id, cur.client_id,
                                                   p_starts_at, p_ends_at, p_room_free_at, p_id);
        END;
    END IF;

    RETURN QUERY
        SELECT v_outcome, v_constraint, v_conflict,
               a.id, a.request_id, a.clinic_id, a.therapist_id, a.room_id, a.client_id, a.service_id,
               a.starts_at, a.ends_at, a.room_free_at, a.status, a.hold_expires_at, a.cancel_reason,
               a.cancelled_late, a.created_at, a.updated_at, a.version
          FROM appointments a WHERE a.id = p_id;
END
$fn$;

-- Sweeper: cancels every expired hold. Returns how many.
CREATE OR REPLACE FUNCTION ledger_expire_holds(p_now timestamptz)
RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    v_count integer;
BEGIN
    UPDATE appointments a
       SET status = 'cancelled', cancel_reason = 'hold-expired', version = a.version + 1, updated_at = p_now
     WHERE a.status = 'pending' AND a.hold_expires_at <= p_now;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$fn$;
