namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Group commit for new appointments: bookings that arrive while a write is in flight are written together in
/// the next one, in one round trip and one commit, each with its own outcome (<see cref="CallBatcher{TItem, TResult}"/>).
/// Each booking's audit row goes in the same statement as its insert (<see cref="AppointmentLedger.InsertManyAsync(IReadOnlyList{NewAppointment}, IReadOnlyList{AuditEntry}, Instant, CancellationToken)"/>):
/// an acknowledged booking always has its audit row, even when the process dies right after.
/// Tracing: each write is an <c>nmt.ledger.insert</c> activity, so a booking's trace holds its database commit.
/// </summary>
public sealed class LedgerInsertBatcher(AppointmentLedger ledger, IClock clock, ILogger<LedgerInsertBatcher> logger)
    : CallBatcher<(NewAppointment Appointment, AuditEntry? Audit), LedgerWriteResult>("nmt.ledger.insert", MaxBatch, Writers, logger)
{
    public const int MaxBatch = 128;
    private const int Writers = 4;

    /// <summary>Inserts <paramref name="appointment"/> and, when it is inserted, <paramref name="audit"/> in the same transaction.</summary>
    public Task<LedgerWriteResult> InsertAsync(NewAppointment appointment, AuditEntry? audit = null) => Enqueue((appointment, audit));

    protected override Task<IReadOnlyList<LedgerWriteResult>> ExecuteAsync(IReadOnlyList<(NewAppointment Appointment, AuditEntry? Audit)> items)
    {
        var audits = items.Any(p => p.Audit is not null) ? items.Select(p => p.Audit).ToList() : null;
        return ledger.InsertManyAsync(items.Select(p => p.Appointment).ToList(), audits, clock.GetCurrentInstant());
    }
}
