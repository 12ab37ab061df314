using System.Collections.Concurrent;
using System.Diagnostics;
using NmtPractice.Persistence;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// Calendars that activate together read the ledger together (CalendarLoader): fewer reads than calendars, and each
/// calendar still rebuilt from exactly its own rows, written straight to the ledger behind the grains' backs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CalendarLoadTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Calendars_activating_together_share_ledger_reads_and_each_sees_its_own_rows()
    {
        const int Therapists = 48;
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("load", rooms: Therapists);
        var date = GrainChain.FutureDate(45);
        var now = ClusterFixture.Clock.GetCurrentInstant();
        var expected = new Dictionary<string, Guid>();
        for (var i = 0; i < Therapists; i++)
        {
            // One appointment per therapist, each in its own room and for its own client, staggered so each is distinct.
            var start = GrainChain.At(date, 8 + (i % 10));
            var therapist = chain.Id($"t{i}");
            var row = await fixture.Ledger.InsertAsync(new NewAppointment(
                Guid.NewGuid(), Guid.NewGuid().ToString(), clinic.Id, therapist, $"r{i + 1}", chain.Id($"c{i}"), GrainChain.Nmt60,
                start, start + Duration.FromHours(1), start + Duration.FromMinutes(75), AppointmentStatus.Booked, null), now);
            Assert.Equal(LedgerWriteKind.Inserted, row.Kind);
            expected[therapist] = row.Record!.Id;
        }

        var loads = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "NmtPractice",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "nmt.ledger.load")
                {
                    loads.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var calendars = await Task.WhenAll(expected.Keys.Select(async t =>
            (Therapist: t, Bookings: await fixture.Grains.GetGrain<ITherapistDayGrain>(GrainKeys.TherapistDay(t, date)).GetBookings())));

        Assert.All(calendars, c => Assert.Equal([expected[c.Therapist]], c.Bookings.Select(b => b.AppointmentId)));
        // Each read finished before its calendar answered. Every calendar was read (the batch sizes add up to at least
        // one per calendar), in fewer reads than calendars: 48 concurrent activations over two silos never all go
        // alone, since each read takes a round trip to PostgreSQL while the others queue behind it.
        var batches = loads.ToList();
        Assert.True(batches.Sum(b => (int)b.GetTagItem("nmt.batch.size")!) >= Therapists);
        Assert.True(batches.Count < Therapists, $"{batches.Count} reads for {Therapists} calendars");
    }
}
