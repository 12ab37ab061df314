-- The client directory becomes the source of truth of a client's identity and contact details: the client grain
-- reads its row on activation, and a registration or update writes the row and its audit row in one transaction
-- (ClientDirectory.SaveAsync). The grain's old Orleans state ("client") is moved here by the grain on activation
-- and then cleared.
ALTER TABLE client_directory ADD COLUMN IF NOT EXISTS date_of_birth date NULL;
-- Set by the erasure tombstone (names blanked, contact details gone) until the erasure's own transaction deletes
-- the row and reserves the id in erased_clients. Searches skip such rows.
ALTER TABLE client_directory ADD COLUMN IF NOT EXISTS erased_at timestamptz NULL;

-- Cover plans no longer keep the client's name and phone in their Orleans state (they are read from the directory
-- when a plan is shown, and that read is audited). Plans stored by earlier versions still carry them: blank them
-- here, so that an erasure cannot miss them. Grain state is UTF-8 JSON (System.Text.Json) in payload_binary; on a
-- new database orleans_storage does not exist yet (migration 0120), and there is nothing to strip.
DO $do$
BEGIN
    IF to_regclass('orleans_storage') IS NOT NULL THEN
        UPDATE orleans_storage
           SET payload_binary = convert_to(
                   regexp_replace(
                       regexp_replace(convert_from(payload_binary, 'UTF8'),
                           '"ClientName":"(?:[^"\\]|\\.)*"', '"ClientName":""', 'g'),
                       '"ClientPhone":"(?:[^"\\]|\\.)*"', '"ClientPhone":null', 'g'),
                   'UTF8'),
               modified_on = now()
         WHERE grain_type_string = 'coverplan'
           AND payload_binary IS NOT NULL
           AND convert_from(payload_binary, 'UTF8') ~ '"ClientName":"(?:[^"\\]|\\.)+"|"ClientPhone":"';
    END IF;
END
$do$;
