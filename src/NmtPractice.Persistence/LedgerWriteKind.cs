namespace NmtPractice.Persistence;

/// <summary>How one ledger write ended (see <see cref="LedgerWriteResult"/>).</summary>
public enum LedgerWriteKind
{
    /// <summary>A new row was inserted.</summary>
    Inserted = 1,

    /// <summary>The request id (or the id) is already in the ledger; <see cref="LedgerWriteResult.Record"/> is the existing row.</summary>
    Duplicate,

    /// <summary>An exclusion constraint refused the write; see <see cref="LedgerWriteResult.ConflictWith"/>.</summary>
    Conflict,

    NotFound,

    /// <summary>The row's version is not the expected one; <see cref="LedgerWriteResult.Record"/> is the current row.</summary>
    StaleVersion,

    /// <summary>The row's status does not allow this change (e.g. confirming an expired hold); <see cref="LedgerWriteResult.Record"/> is the current row.</summary>
    InvalidTransition,

    /// <summary>An existing row was changed (status change or move).</summary>
    Updated,

    /// <summary>
    /// The request id already made this very change (a retry): nothing was written; <see cref="LedgerWriteResult.Record"/>
    /// is the row as that first change left it (the first answer).
    /// </summary>
    Replayed,

    /// <summary>The request id was used for a different request (see <see cref="LedgerRequest"/>): nothing was written.</summary>
    RequestIdReused,
}
