namespace NmtPractice.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ConcurrencyTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Two_hundred_concurrent_attempts_at_one_slot_give_exactly_one_booking()
    {
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("hot", rooms: 1);
        var therapist = await chain.Therapist("t", clinic.Id);
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => chain.Client($"c{i}")));
        var start = GrainChain.At(GrainChain.FutureDate(), 10);

        var results = await Task.WhenAll(clients.Select(c => Task.Run(() => chain.Book(clinic.Id, therapist.Id, c.Id, start))));

        Assert.Single(results, r => r.IsOk);
        var refusals = results.Where(r => !r.IsOk).Select(r => r.Refusal!).ToList();
        Assert.Equal(199, refusals.Count);
        Assert.All(refusals, r => Assert.Contains(r.Reason, new[] { RefusalReason.TherapistBusy, RefusalReason.RoomBusy }));
        var inLedger = await fixture.Ledger.ListForClinicAsync(clinic.Id, start - Duration.FromDays(1), start + Duration.FromDays(1));
        Assert.Single(inLedger);
    }

    [Fact]
    public async Task A_retried_request_id_returns_the_first_appointment_and_books_once_and_a_reused_one_is_refused()
    {
        var chain = new GrainChain(fixture.Grains, Guid.NewGuid().ToString("N")[..8]);
        var clinic = await chain.Clinic("a");
        var therapist = await chain.Therapist("t", clinic.Id);
        var client = await chain.Client("c");
        var requestId = $"retry-{Guid.NewGuid()}";
        var start = GrainChain.At(GrainChain.FutureDate(), 12);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => chain.Book(clinic.Id, therapist.Id, client.Id, start, requestId: requestId))));
        var later = await chain.Book(clinic.Id, therapist.Id, client.Id, start, requestId: requestId);
        var laterElsewhere = await chain.Book(clinic.Id, therapist.Id, client.Id, start + Duration.FromHours(3), requestId: requestId);

        Assert.All(concurrent, r => Assert.True(r.IsOk, r.Refusal?.Message));
        var id = concurrent[0].Value!.Id;
        Assert.All(concurrent, r => Assert.Equal(id, r.Value!.Id));
        Assert.Equal(id, later.Value!.Id);
        // The same request id for another slot is another request: refused (it used to return the first appointment,
        // hiding the caller's bug), and nothing more is booked.
        Assert.Equal(RefusalReason.RequestIdReused, laterElsewhere.Refusal?.Reason);
        Assert.Single(await fixture.Ledger.ListForClientAsync(client.Id, start - Duration.FromDays(1), start + Duration.FromDays(1)));
    }

    [Fact]
    public async Task A_storm_of_5000_random_bookings_from_32_callers_leaves_no_overlap_and_breaks_no_rule()
    {
        var (chain, clinics, therapists, clients) = await Storm.SetUp(fixture.Grains, clinics: 10, roomsPerClinic: 3, therapistsPerClinic: 4, clients: 150);
        var storm = new Storm();
        var firstDay = GrainChain.FutureDate(60);

        // 5000 attempts take about 20 s here; five minutes allows for a loaded CI machine and still ends a hung storm.
        var running = storm.Run(chain, clinics, therapists, clients, attempts: 5000, callers: 32, seed: 7, firstDay, days: 5);
        Assert.True(await Task.WhenAny(running, Task.Delay(TimeSpan.FromMinutes(5))) == running,
            $"the storm did not finish within 5 minutes ({storm.Outcomes.Count} of 5000 answered)");
        await running;

        var outcomes = storm.Outcomes.ToList();
        Assert.Equal(5000, outcomes.Count);
        Assert.DoesNotContain(outcomes, o => o.Failed is not null);
        var booked = outcomes.Where(o => o.Booked is not null).Select(o => o.Booked!).ToList();
        Assert.True(booked.Count > 500, $"only {booked.Count} bookings: the storm did not exercise booking");
        Assert.Equal(0, await fixture.Oracle.CountOverlapsAsync());
        await StormChecks.EveryAcknowledgedBookingIsInTheLedger(fixture.Ledger, booked);
        StormChecks.TravelBetweenClinicsIsRespected(booked, Duration.FromMinutes(30));
        StormChecks.InsideOpeningHoursAndRoster(booked, clinics, therapists);
    }
}

public static class StormChecks
{
    public static async Task EveryAcknowledgedBookingIsInTheLedger(NmtPractice.Persistence.AppointmentLedger ledger, IEnumerable<AppointmentRecord> booked)
    {
        foreach (var appointment in booked)
        {
            var stored = await ledger.GetAsync(appointment.Id);
            Assert.NotNull(stored);
            Assert.Equal(AppointmentStatus.Booked, stored.Status);
            Assert.Equal(appointment.Start, stored.Start);
        }
    }

    /// <summary>Independent of the booking code: consecutive appointments of a therapist at different clinics leave the travel time.</summary>
    public static void TravelBetweenClinicsIsRespected(IEnumerable<AppointmentRecord> booked, Duration travel)
    {
        foreach (var day in booked.GroupBy(b => b.TherapistId))
        {
            var ordered = day.OrderBy(b => b.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i - 1].End <= ordered[i].Start, $"therapist {day.Key} overlaps");
                if (ordered[i - 1].ClinicId != ordered[i].ClinicId)
                {
                    Assert.True(ordered[i].Start - ordered[i - 1].End >= travel,
                        $"therapist {day.Key} travels {ordered[i - 1].ClinicId}->{ordered[i].ClinicId} in {(ordered[i].Start - ordered[i - 1].End).TotalMinutes} min");
                }
            }
        }
    }

    public static void InsideOpeningHoursAndRoster(IEnumerable<AppointmentRecord> booked, List<Clinic> clinics, List<Therapist> therapists)
    {
        foreach (var b in booked)
        {
            var clinic = clinics.Single(c => c.Id == b.ClinicId);
            var local = b.Start.InZone(clinic.Zone);
            var localEnd = b.End.InZone(clinic.Zone);
            Assert.True(local.TimeOfDay >= GrainChain.Open.Start && localEnd.TimeOfDay <= GrainChain.Open.End && local.Date == localEnd.Date,
                $"{b.Id} at {local} is outside 08:00-20:00");
            Assert.Contains(therapists.Single(t => t.Id == b.TherapistId).Rosters, r => r.ClinicId == b.ClinicId);
        }
    }
}
