using NmtPractice.Domain.Appointments;
using NmtPractice.Testing;
using Npgsql;
using NodaTime;

namespace NmtPractice.Persistence.Tests;

/// <summary>
/// The ledger's SQL and the domain's transition table (<see cref="AppointmentLifecycle"/>) agree for every pair of
/// statuses, so neither can drift: a status change the domain allows is written, every other is InvalidTransition;
/// a move is accepted exactly from the movable statuses.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TransitionTableTests : IDisposable
{
    private static readonly Instant Day = Instant.FromUtc(2031, 5, 6, 0, 0);
    private static readonly Instant Now = Day + Duration.FromHours(6);
    private readonly NpgsqlDataSource _ds;
    private readonly AppointmentLedger _ledger;
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];
    private int _slot;

    public TransitionTableTests(PostgresFixture fixture)
    {
        _ds = fixture.CreateDataSource();
        _ledger = new AppointmentLedger(_ds);
    }

    public void Dispose() => _ds.Dispose();

    public static TheoryData<AppointmentStatus, AppointmentStatus> Pairs()
    {
        var data = new TheoryData<AppointmentStatus, AppointmentStatus>();
        foreach (var from in Enum.GetValues<AppointmentStatus>())
        {
            foreach (var to in Enum.GetValues<AppointmentStatus>())
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task The_ledger_changes_a_status_exactly_when_the_domain_table_allows_it(AppointmentStatus from, AppointmentStatus to)
    {
        var a = await InStatus(from);
        var result = await _ledger.UpdateStatusAsync(a.Id, a.Version, to, to == AppointmentStatus.Cancelled ? "client" : null, false, Now);
        var expected = AppointmentLifecycle.CanChange(from, to) ? LedgerWriteKind.Updated : LedgerWriteKind.InvalidTransition;
        Assert.Equal(expected, result.Kind);
        Assert.Equal(result.Kind == LedgerWriteKind.Updated ? to : from, (await _ledger.GetAsync(a.Id))!.Status);
    }

    [Theory]
    [InlineData(AppointmentStatus.Pending)]
    [InlineData(AppointmentStatus.Booked)]
    [InlineData(AppointmentStatus.Arrived)]
    [InlineData(AppointmentStatus.Fulfilled)]
    [InlineData(AppointmentStatus.Cancelled)]
    [InlineData(AppointmentStatus.NoShow)]
    public async Task The_ledger_moves_an_appointment_exactly_in_the_movable_statuses(AppointmentStatus from)
    {
        var a = await InStatus(from);
        var start = a.Start + Duration.FromDays(1);
        var result = await _ledger.MoveAsync(a.Id, a.Version, a.TherapistId, a.RoomId, start, start + Duration.FromHours(1), start + Duration.FromHours(1), Now);
        var expected = AppointmentLifecycle.Movable.Contains(from) ? LedgerWriteKind.Updated : LedgerWriteKind.InvalidTransition;
        Assert.Equal(expected, result.Kind);
    }

    /// <summary>A fresh appointment in <paramref name="status"/> (a pending one holds until well after now), set by plain SQL.</summary>
    private async Task<AppointmentRecord> InStatus(AppointmentStatus status)
    {
        var start = Day + Duration.FromHours(8 + Interlocked.Increment(ref _slot));
        var created = await _ledger.InsertAsync(
            new NewAppointment(
                Guid.NewGuid(), "req-" + Guid.NewGuid().ToString("N"), "tt" + _s, "t" + _s, "r1", "c" + _s, "svc",
                start, start + Duration.FromHours(1), start + Duration.FromHours(1), AppointmentStatus.Pending, Now + Duration.FromHours(1)),
            Now);
        var record = created.Record!;
        if (status == AppointmentStatus.Pending)
        {
            return record;
        }
        await using var cmd = _ds.CreateCommand("UPDATE appointments SET status = $2, hold_expires_at = NULL WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = record.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = status.ToFhir() });
        await cmd.ExecuteNonQueryAsync();
        return (await _ledger.GetAsync(record.Id))!;
    }
}
