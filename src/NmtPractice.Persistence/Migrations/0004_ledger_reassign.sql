-- Atomic move of an active appointment to another clinic (with its therapist, room and times): what cover needs when
-- a sick therapist's client is seen at a nearby clinic. The same discipline as ledger_move: advisory locks on the old
-- and the new resources first, then the row; the exclusion constraints decide. Outcomes: 'moved', 'notfound', 'stale'
-- (version differs), 'invalid' (not pending/booked, or an expired hold), 'conflict' (r_conflict_constraint /
-- r_conflict_id). The current row is returned except on notfound. p_clinic_id NULL keeps the clinic: that is
-- ledger_move, redefined below as this function.
CREATE OR REPLACE FUNCTION ledger_reassign(
    p_id uuid, p_expected_version integer, p_clinic_id text, p_therapist_id text, p_room_id text,
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
    SELECT * INTO cur FROM appointments a WHERE a.id = p_id;
    IF FOUND THEN
        p_clinic_id := coalesce(p_clinic_id, cur.clinic_id);
        PERFORM ledger_lock_resources(ARRAY[cur.clinic_id, p_clinic_id], ARRAY[cur.therapist_id, p_therapist_id],
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
            PERFORM ledger_expire_overlapping_holds(p_now, p_clinic_id, p_therapist_id, p_room_id, cur.client_id,
                                                    p_starts_at, p_ends_at, p_room_free_at, p_id);
            UPDATE appointments a
               SET clinic_id = p_clinic_id, therapist_id = p_therapist_id, room_id = p_room_id,
                   starts_at = p_starts_at, ends_at = p_ends_at, room_free_at = p_room_free_at,
                   version = a.version + 1, updated_at = p_now
             WHERE a.id = p_id;
            v_outcome := 'moved';
        EXCEPTION
            WHEN exclusion_violation THEN
                GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
                v_outcome := 'conflict';
                v_conflict := ledger_find_conflict(v_constraint, p_clinic_id, p_therapist_id, p_room_id, cur.client_id,
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

-- A move within the clinic is a reassignment that keeps the clinic: one implementation of the locking and outcomes.
CREATE OR REPLACE FUNCTION ledger_move(
    p_id uuid, p_expected_version integer, p_therapist_id text, p_room_id text,
    p_starts_at timestamptz, p_ends_at timestamptz, p_room_free_at timestamptz, p_now timestamptz)
RETURNS TABLE (
    r_outcome text, r_conflict_constraint text, r_conflict_id uuid,
    r_id uuid, r_request_id text, r_clinic_id text, r_therapist_id text, r_room_id text, r_client_id text,
    r_service_id text, r_starts_at timestamptz, r_ends_at timestamptz, r_room_free_at timestamptz, r_status text,
    r_hold_expires_at timestamptz, r_cancel_reason text, r_cancelled_late boolean, r_created_at timestamptz,
    r_updated_at timestamptz, r_version integer)
LANGUAGE sql AS $fn$
    SELECT * FROM ledger_reassign(p_id, p_expected_version, NULL, p_therapist_id, p_room_id,
                                  p_starts_at, p_ends_at, p_room_free_at, p_now)
$fn$;
