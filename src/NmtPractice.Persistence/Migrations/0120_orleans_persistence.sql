-- Orleans ADO.NET grain persistence schema and query texts.
-- Keys: ReadFromStorageKey, WriteToStorageKey, ClearStorageKey, DeleteStorageKey.
-- Parameters: @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint, @GrainTypeHash int,
-- @GrainTypeString text (the state name), @GrainIdExtensionString text null, @ServiceId text,
-- and for write/clear/delete @GrainStateVersion int null (the ETag); write adds @PayloadBinary.
-- A row is identified by (service id, state name, N0, N1, extension); the hashes are kept
-- for information only.

CREATE TABLE IF NOT EXISTS orleans_storage
(
    service_id                text        NOT NULL,
    grain_type_string         text        NOT NULL,
    grain_id_n0               bigint      NOT NULL,
    grain_id_n1               bigint      NOT NULL,
    grain_id_extension_string text        NULL,
    grain_id_hash             integer     NOT NULL,
    grain_type_hash           integer     NOT NULL,
    payload_binary            bytea       NULL,
    version                   integer     NOT NULL,
    modified_on               timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain
    ON orleans_storage (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string)
    NULLS NOT DISTINCT;

-- Write with ETag semantics. Version given: update only where it matches and return
-- version + 1. Version null: insert only if absent and return 1. Otherwise return NULL,
-- which the provider turns into an InconsistentStateException.
CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint,
    p_grain_type_hash integer, p_grain_type_string text, p_grain_id_extension_string text,
    p_service_id text, p_version integer, p_payload bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    new_version integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO orleans_storage
            (service_id, grain_type_string, grain_id_n0, grain_id_n1, grain_id_extension_string,
             grain_id_hash, grain_type_hash, payload_binary, version, modified_on)
        VALUES
            (p_service_id, p_grain_type_string, p_grain_id_n0, p_grain_id_n1,
             p_grain_id_extension_string, p_grain_id_hash, p_grain_type_hash, p_payload, 1, now())
        ON CONFLICT DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_storage
           SET payload_binary = p_payload, version = version + 1, modified_on = now()
         WHERE service_id = p_service_id AND grain_type_string = p_grain_type_string
           AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
           AND grain_id_extension_string IS NOT DISTINCT FROM p_grain_id_extension_string
           AND version = p_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END;
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
SELECT payload_binary AS "PayloadBinary", version AS "Version"
  FROM orleans_storage
 WHERE service_id = @ServiceId AND grain_type_string = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
SELECT orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)
    AS "NewGrainStateVersion"
$q$),
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_storage
       SET payload_binary = NULL, version = version + 1, modified_on = now()
     WHERE service_id = @ServiceId AND grain_type_string = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
$q$),
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_storage
     WHERE service_id = @ServiceId AND grain_type_string = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version + 1 AS next_version
)
SELECT (SELECT next_version FROM deleted) AS "NewGrainStateVersion"
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
