namespace NmtPractice.Persistence.OrleansAdoNet;

// The namespace is deliberately not "NmtPractice.Persistence.Orleans": a namespace named Orleans
// under NmtPractice.Persistence would shadow the global Orleans namespace for code in
// NmtPractice.Persistence.* (including the tests).

/// <summary>
/// Facts about our Orleans ADO.NET schema (Migrations/0100..0199): the ADO.NET invariant the
/// providers must be configured with, and the query keys the migrations store in orleansquery.
/// </summary>
public static class OrleansAdoNetSchema
{
    /// <summary>The ADO.NET invariant for PostgreSQL. Set it on every provider and on the client's clustering (the default is SQL Server).</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Query keys Orleans 10.4.2 clustering requires at start-up (silo and client).</summary>
    public static IReadOnlyList<string> ClusteringQueryKeys { get; } =
    [
        "GatewaysQueryKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
    ];

    /// <summary>Query keys Orleans 10.4.2 reminders require at start-up.</summary>
    public static IReadOnlyList<string> ReminderQueryKeys { get; } =
    [
        "ReadReminderRowsKey",
        "ReadRangeRows1Key",
        "ReadRangeRows2Key",
        "ReadReminderRowKey",
        "UpsertReminderRowKey",
        "DeleteReminderRowKey",
        "DeleteReminderRowsKey",
    ];

    /// <summary>Query keys of grain persistence (DeleteStorageKey is used only with DeleteStateOnClear).</summary>
    public static IReadOnlyList<string> PersistenceQueryKeys { get; } =
    [
        "ReadFromStorageKey",
        "WriteToStorageKey",
        "ClearStorageKey",
        "DeleteStorageKey",
    ];

    /// <summary>Every key our migrations store in orleansquery.</summary>
    public static IReadOnlyList<string> AllQueryKeys { get; } =
        [.. ClusteringQueryKeys, .. ReminderQueryKeys, .. PersistenceQueryKeys];
}
