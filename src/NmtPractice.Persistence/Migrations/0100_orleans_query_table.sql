-- Orleans ADO.NET providers: the query table. The keys and the invariant are listed in
-- OrleansAdoNet/OrleansAdoNetSchema.cs; OrleansSqlContractTests (Persistence.Tests) checks them
-- against the Orleans assemblies and runs every stored text the way Orleans binds it.
--
-- Every Orleans ADO.NET provider reads `SELECT QueryKey, QueryText FROM OrleansQuery`
-- (unquoted identifiers, so PostgreSQL folds them to lower case) and runs the stored text of
-- the keys it needs. Files 0110 (clustering), 0120 (grain persistence) and 0130 (reminders)
-- fill this table with our own query texts.
--
-- Keys Orleans 10.4.2 requires (checked against the 10.4.2 assemblies; clustering and
-- reminders refuse to start with "Not all required queries found. Missing are: ..."):
--   clustering:  GatewaysQueryKey, MembershipReadRowKey, MembershipReadAllKey,
--                InsertMembershipVersionKey, UpdateIAmAlivetimeKey (lower-case t),
--                InsertMembershipKey, UpdateMembershipKey, DeleteMembershipTableEntriesKey,
--                CleanupDefunctSiloEntriesKey
--                (CleanupDefunctSiloEntryKey, singular, is optional in 10.4.2 and not provided:
--                 without it the provider runs CleanupDefunctSiloEntriesKey)
--   reminders:   ReadReminderRowsKey, ReadRangeRows1Key, ReadRangeRows2Key, ReadReminderRowKey,
--                UpsertReminderRowKey, DeleteReminderRowKey, DeleteReminderRowsKey
--   persistence: ReadFromStorageKey, WriteToStorageKey, ClearStorageKey
--                (DeleteStorageKey is read only when DeleteStateOnClear is set; we provide it)
--
-- Parameter binding (Orleans RelationalStorage with the "Npgsql" invariant): every parameter
-- carries an explicit DbType (int -> integer, long -> bigint, string -> text, byte[] -> bytea,
-- DateTime -> DbType.DateTime, which Npgsql maps to timestamptz and which therefore needs
-- DateTimeKind.Utc), so the query texts need no casts on parameters.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);
