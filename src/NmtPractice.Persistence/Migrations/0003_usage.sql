-- Usage for reports, maintained incrementally from the ledger.
--
-- The ledger has no time zones, so report_clinics records each clinic's IANA zone (written by the clinic grain).
-- An appointment counts on the clinic-local date of its start. A row-level trigger on appointments only APPENDS
-- signed delta rows (minus the old row's contribution, plus the new row's) to usage_delta: the booking transaction
-- never updates a shared counter row, so concurrent group commits neither deadlock nor queue on each other.
-- usage_compact() (one runner at a time) folds the deltas into the aggregate tables in one statement; readers sum
-- aggregate + pending deltas in one statement (one snapshot), so they are exact at every moment.
-- usage_rebuild() recomputes everything (or one clinic) from the ledger, for bulk loads with the trigger disabled.
--
-- Contribution of one ledger row (nothing at all for an expired hold: cancel_reason 'hold-expired'):
--   status counts: every status, by service, status and cancelled_late;
--   room, therapist and hour usage: only the occupying statuses booked, arrived, fulfilled, noshow;
--   treatment minutes = ends_at - starts_at; turnover minutes = room_free_at - ends_at (whole minutes, floored);
--   hour usage splits the treatment over the clinic-local wall-clock hours it covers, each minute counted on the
--   local date and hour at which it happens (UTC offsets are multiples of 15 minutes, so 15-minute UTC slices never
--   straddle a local hour).

CREATE TABLE IF NOT EXISTS report_clinics (
    clinic_id text PRIMARY KEY,
    time_zone text NOT NULL
);

-- Append-only. sign is +1 (a row's new contribution) or -1 (its old contribution withdrawn).
CREATE TABLE IF NOT EXISTS usage_delta (
    clinic_id         text        NOT NULL,
    local_day         date        NOT NULL,
    sign              smallint    NOT NULL,
    room_id           text        NOT NULL,
    therapist_id      text        NOT NULL,
    service_id        text        NOT NULL,
    status            text        NOT NULL,
    cancelled_late    boolean     NOT NULL,
    starts_at         timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    treatment_minutes integer     NOT NULL,
    turnover_minutes  integer     NOT NULL
);
CREATE INDEX IF NOT EXISTS usage_delta_clinic_day_idx ON usage_delta (clinic_id, local_day);

CREATE TABLE IF NOT EXISTS usage_room_day (
    clinic_id         text   NOT NULL,
    day               date   NOT NULL,
    room_id           text   NOT NULL,
    treatment_minutes bigint NOT NULL,
    turnover_minutes  bigint NOT NULL,
    appointments      integer NOT NULL,
    PRIMARY KEY (clinic_id, day, room_id)
);

CREATE TABLE IF NOT EXISTS usage_therapist_day (
    clinic_id      text    NOT NULL,
    day            date    NOT NULL,
    therapist_id   text    NOT NULL,
    booked_minutes bigint  NOT NULL,
    appointments   integer NOT NULL,
    PRIMARY KEY (clinic_id, day, therapist_id)
);

CREATE TABLE IF NOT EXISTS usage_clinic_hour (
    clinic_id         text     NOT NULL,
    day               date     NOT NULL,
    hour              smallint NOT NULL,
    treatment_minutes bigint   NOT NULL,
    PRIMARY KEY (clinic_id, day, hour)
);

CREATE TABLE IF NOT EXISTS usage_status_day (
    clinic_id      text    NOT NULL,
    day            date    NOT NULL,
    service_id     text    NOT NULL,
    status         text    NOT NULL,
    cancelled_late boolean NOT NULL,
    appointments   integer NOT NULL,
    PRIMARY KEY (clinic_id, day, service_id, status, cancelled_late)
);

-- The treatment [p_start, p_end) split over the local wall-clock hours of p_zone, in 15-minute UTC slices: one row per
-- slice with the slice's local date and hour and its whole minutes. Callers sum the slices per date and hour.
CREATE OR REPLACE FUNCTION usage_hour_slices(p_start timestamptz, p_end timestamptz, p_zone text)
RETURNS TABLE (local_day date, local_hour smallint, minutes integer)
LANGUAGE sql STABLE AS $fn$
    SELECT (s AT TIME ZONE p_zone)::date,
           extract(hour FROM s AT TIME ZONE p_zone)::smallint,
           floor(extract(epoch FROM least(s + interval '15 minutes', p_end) - greatest(s, p_start)) / 60)::integer
      FROM generate_series(to_timestamp(floor(extract(epoch FROM p_start) / 900) * 900), p_end - interval '1 microsecond',
                           interval '15 minutes') AS s
$fn$;

-- The trigger: appends the change of one ledger row's contribution. Rows of a clinic without a registered zone
-- contribute nothing until the zone is registered (usage_register_clinic rebuilds the clinic then).
CREATE OR REPLACE FUNCTION usage_capture()
RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.clinic_id = OLD.clinic_id AND NEW.room_id = OLD.room_id AND NEW.therapist_id = OLD.therapist_id
       AND NEW.service_id = OLD.service_id AND NEW.status = OLD.status AND NEW.cancelled_late = OLD.cancelled_late
       AND NEW.starts_at = OLD.starts_at AND NEW.ends_at = OLD.ends_at AND NEW.room_free_at = OLD.room_free_at
       AND NEW.cancel_reason IS NOT DISTINCT FROM OLD.cancel_reason THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.cancel_reason IS DISTINCT FROM 'hold-expired' THEN
        INSERT INTO usage_delta (clinic_id, local_day, sign, room_id, therapist_id, service_id, status, cancelled_late,
                                 starts_at, ends_at, treatment_minutes, turnover_minutes)
        SELECT OLD.clinic_id, (OLD.starts_at AT TIME ZONE z.time_zone)::date, -1, OLD.room_id, OLD.therapist_id,
               OLD.service_id, OLD.status, OLD.cancelled_late, OLD.starts_at, OLD.ends_at,
               floor(extract(epoch FROM OLD.ends_at - OLD.starts_at) / 60)::integer,
               floor(extract(epoch FROM OLD.room_free_at - OLD.ends_at) / 60)::integer
          FROM report_clinics z WHERE z.clinic_id = OLD.clinic_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.cancel_reason IS DISTINCT FROM 'hold-expired' THEN
        INSERT INTO usage_delta (clinic_id, local_day, sign, room_id, therapist_id, service_id, status, cancelled_late,
                                 starts_at, ends_at, treatment_minutes, turnover_minutes)
        SELECT NEW.clinic_id, (NEW.starts_at AT TIME ZONE z.time_zone)::date, 1, NEW.room_id, NEW.therapist_id,
               NEW.service_id, NEW.status, NEW.cancelled_late, NEW.starts_at, NEW.ends_at,
               floor(extract(epoch FROM NEW.ends_at - NEW.starts_at) / 60)::integer,
               floor(extract(epoch FROM NEW.room_free_at - NEW.ends_at) / 60)::integer
          FROM report_clinics z WHERE z.clinic_id = NEW.clinic_id;
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER appointments_usage_capture
    AFTER INSERT OR UPDATE OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION usage_capture();

-- Folds every visible delta into the aggregates in one statement (one snapshot: a delta committed later stays for
-- the next run). One runner at a time; returns the number of deltas folded, or -1 when another runner holds the lock.
CREATE OR REPLACE FUNCTION usage_compact()
RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_count bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(74101) THEN
        RETURN -1;
    END IF;
    WITH d AS (
        DELETE FROM usage_delta RETURNING *
    ), occ AS (
        SELECT * FROM d WHERE status IN ('booked', 'arrived', 'fulfilled', 'noshow')
    ), r AS (
        INSERT INTO usage_room_day AS u (clinic_id, day, room_id, treatment_minutes, turnover_minutes, appointments)
        SELECT clinic_id, local_day, room_id, sum(sign * treatment_minutes), sum(sign * turnover_minutes), sum(sign)
          FROM occ GROUP BY clinic_id, local_day, room_id
        HAVING sum(sign) <> 0 OR sum(sign * treatment_minutes) <> 0 OR sum(sign * turnover_minutes) <> 0
        ON CONFLICT (clinic_id, day, room_id) DO UPDATE
           SET treatment_minutes = u.treatment_minutes + excluded.treatment_minutes,
               turnover_minutes = u.turnover_minutes + excluded.turnover_minutes,
               appointments = u.appointments + excluded.appointments
    ), t AS (
        INSERT INTO usage_therapist_day AS u (clinic_id, day, therapist_id, booked_minutes, appointments)
        SELECT clinic_id, local_day, therapist_id, sum(sign * treatment_minutes), sum(sign)
          FROM occ GROUP BY clinic_id, local_day, therapist_id
        HAVING sum(sign) <> 0 OR sum(sign * treatment_minutes) <> 0
        ON CONFLICT (clinic_id, day, therapist_id) DO UPDATE
           SET booked_minutes = u.booked_minutes + excluded.booked_minutes,
               appointments = u.appointments + excluded.appointments
    ), h AS (
        INSERT INTO usage_clinic_hour AS u (clinic_id, day, hour, treatment_minutes)
        SELECT o.clinic_id, s.local_day, s.local_hour, sum(o.sign * s.minutes)
          FROM occ o JOIN report_clinics z ON z.clinic_id = o.clinic_id
          CROSS JOIN LATERAL usage_hour_slices(o.starts_at, o.ends_at, z.time_zone) s
         GROUP BY o.clinic_id, s.local_day, s.local_hour
        HAVING sum(o.sign * s.minutes) <> 0
        ON CONFLICT (clinic_id, day, hour) DO UPDATE
           SET treatment_minutes = u.treatment_minutes + excluded.treatment_minutes
    ), s AS (
        INSERT INTO usage_status_day AS u (clinic_id, day, service_id, status, cancelled_late, appointments)
        SELECT clinic_id, local_day, service_id, status, cancelled_late, sum(sign)
          FROM d GROUP BY clinic_id, local_day, service_id, status, cancelled_late
        HAVING sum(sign) <> 0
        ON CONFLICT (clinic_id, day, service_id, status, cancelled_late) DO UPDATE
           SET appointments = u.appointments + excluded.appointments
    )
    -- Every data-modifying CTE runs to completion whether or not it is read.
    SELECT count(*) INTO v_count FROM d;
    RETURN v_count;
END
$fn$;

-- Recomputes the aggregates of one clinic (p_clinic_id) or of every clinic (NULL) from the ledger. The EXCLUSIVE lock
-- on usage_delta waits for every transaction that has appended deltas to commit and holds back new ones, so the
-- ledger cannot change under the recompute in any way that matters to usage; the changes held back append their
-- deltas afterwards, relative to the state recomputed here. Returns the number of ledger rows counted.
CREATE OR REPLACE FUNCTION usage_rebuild(p_clinic_id text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    v_count bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(74101);
    LOCK TABLE usage_delta IN EXCLUSIVE MODE;
    DELETE FROM usage_delta WHERE p_clinic_id IS NULL OR clinic_id = p_clinic_id;
    DELETE FROM usage_room_day WHERE p_clinic_id IS NULL OR clinic_id = p_clinic_id;
    DELETE FROM usage_therapist_day WHERE p_clinic_id IS NULL OR clinic_id = p_clinic_id;
    DELETE FROM usage_clinic_hour WHERE p_clinic_id IS NULL OR clinic_id = p_clinic_id;
    DELETE FROM usage_status_day WHERE p_clinic_id IS NULL OR clinic_id = p_clinic_id;

    CREATE TEMP TABLE usage_rebuild_rows ON COMMIT DROP AS
    SELECT a.clinic_id, (a.starts_at AT TIME ZONE z.time_zone)::date AS local_day, z.time_zone, a.room_id,
           a.therapist_id, a.service_id, a.status, a.cancelled_late, a.starts_at, a.ends_at,
           floor(extract(epoch FROM a.ends_at - a.starts_at) / 60)::integer AS treatment_minutes,
           floor(extract(epoch FROM a.room_free_at - a.ends_at) / 60)::integer AS turnover_minutes
      FROM appointments a JOIN report_clinics z ON z.clinic_id = a.clinic_id
     WHERE (p_clinic_id IS NULL OR a.clinic_id = p_clinic_id)
       AND a.cancel_reason IS DISTINCT FROM 'hold-expired';
    GET DIAGNOSTICS v_count = ROW_COUNT;

    INSERT INTO usage_room_day (clinic_id, day, room_id, treatment_minutes, turnover_minutes, appointments)
    SELECT clinic_id, local_day, room_id, sum(treatment_minutes), sum(turnover_minutes), count(*)
      FROM usage_rebuild_rows WHERE status IN ('booked', 'arrived', 'fulfilled', 'noshow')
     GROUP BY clinic_id, local_day, room_id;

    INSERT INTO usage_therapist_day (clinic_id, day, therapist_id, booked_minutes, appointments)
    SELECT clinic_id, local_day, therapist_id, sum(treatment_minutes), count(*)
      FROM usage_rebuild_rows WHERE status IN ('booked', 'arrived', 'fulfilled', 'noshow')
     GROUP BY clinic_id, local_day, therapist_id;

    INSERT INTO usage_clinic_hour (clinic_id, day, hour, treatment_minutes)
    SELECT r.clinic_id, s.local_day, s.local_hour, sum(s.minutes)
      FROM usage_rebuild_rows r CROSS JOIN LATERAL usage_hour_slices(r.starts_at, r.ends_at, r.time_zone) s
     WHERE r.status IN ('booked', 'arrived', 'fulfilled', 'noshow')
     GROUP BY r.clinic_id, s.local_day, s.local_hour;

    INSERT INTO usage_status_day (clinic_id, day, service_id, status, cancelled_late, appointments)
    SELECT clinic_id, local_day, service_id, status, cancelled_late, count(*)
      FROM usage_rebuild_rows GROUP BY clinic_id, local_day, service_id, status, cancelled_late;

    DROP TABLE usage_rebuild_rows;
    RETURN v_count;
END
$fn$;

-- Records a clinic's zone. When the clinic is new to report_clinics or its zone changed, its usage is rebuilt in the
-- same transaction (its appointments so far were not attributed, or were attributed to the wrong dates).
-- Returns true when it rebuilt. An unknown zone is an error (22023) and changes nothing.
-- Before changing anything it waits for every transaction writing appointments and holds new ones back (a short
-- pause, once per clinic): a booking in flight might have found no zone for the clinic, appended nothing, and not be
-- visible to the rebuild yet; afterwards every booking sees the zone.
CREATE OR REPLACE FUNCTION usage_register_clinic(p_clinic_id text, p_time_zone text)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
DECLARE
    v_changed boolean;
BEGIN
    PERFORM now() AT TIME ZONE p_time_zone;
    IF EXISTS (SELECT 1 FROM report_clinics WHERE clinic_id = p_clinic_id AND time_zone = p_time_zone) THEN
        RETURN false;
    END IF;
    LOCK TABLE appointments IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO report_clinics AS c (clinic_id, time_zone) VALUES (p_clinic_id, p_time_zone)
    ON CONFLICT (clinic_id) DO UPDATE SET time_zone = excluded.time_zone WHERE c.time_zone <> excluded.time_zone
    RETURNING true INTO v_changed;
    IF coalesce(v_changed, false) THEN
        PERFORM usage_rebuild(p_clinic_id);
        RETURN true;
    END IF;
    RETURN false;
END
$fn$;
